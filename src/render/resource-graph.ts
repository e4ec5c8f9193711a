/** Resources drawn at most: a larger graph is unreadable in a comment anyway. */
export const MAX_GRAPH_RESOURCES = 60;

/**
 * An environment's resources and their dependencies as a Mermaid flowchart (GitHub and the
 * dashboard draw it), grouped by module; an arrow points from a resource to what it depends on.
 * Undefined when there is nothing to draw. Labels are the addresses, quoted and escaped.
 */
export function formatResourceGraph(dependencies: Record<string, readonly string[]>): string | undefined {
  const addresses = Object.keys(dependencies).sort();
  if (addresses.length === 0) return undefined;
  const shown = addresses.slice(0, MAX_GRAPH_RESOURCES);
  const id = new Map(shown.map((address, i) => [address, `r${i}`]));
  const byModule = new Map<string, string[]>();
  for (const address of shown) {
    const module = moduleOf(address);
    byModule.set(module, [...(byModule.get(module) ?? []), address]);
  }
  const lines = ["flowchart LR"];
  for (const [module, members] of byModule) {
    const nodes = members.map((address) => `${id.get(address)}["${label(address.slice(module === "" ? 0 : module.length + 1))}"]`);
    if (module === "") lines.push(...nodes.map((node) => `  ${node}`));
    else lines.push(`  subgraph m${[...byModule.keys()].indexOf(module)}["${label(module)}"]`, ...nodes.map((node) => `    ${node}`), "  end");
  }
  for (const address of shown) {
    for (const target of dependencies[address] ?? []) if (id.has(target)) lines.push(`  ${id.get(address)} --> ${id.get(target)}`);
  }
  if (addresses.length > shown.length) lines.push(`  more["…and ${addresses.length - shown.length} more"]`);
  return lines.join("\n");
}

/** "module.site.aws_s3_bucket.site" → "module.site"; a root resource → "". */
function moduleOf(address: string): string {
  const match = /^((?:module\.[^.[\]]+(?:\[[^\]]*\])?\.)*)/.exec(address);
  return (match?.[1] ?? "").replace(/\.$/, "");
}

/** Mermaid's entity codes keep quotes and markup in a label from ending it. */
function label(text: string): string {
  return text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}
