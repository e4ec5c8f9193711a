/** Environments drawn at most: past this a graph is unreadable. */
export const MAX_GRAPH_ENVIRONMENTS = 60;

/**
 * A repository's environments and the outputs they take from each other as a Mermaid flowchart
 * (the dashboard draws it like the resource graph): an arrow points from an environment to the
 * one whose output it takes, labelled with that output; `current` is drawn as a stadium.
 * Undefined when no environment takes another's output.
 */
export function formatDependencyGraph(links: readonly { dependent: string; upstream: string; output: string }[], current?: string): string | undefined {
  if (links.length === 0) return undefined;
  const names = [...new Set(links.flatMap((l) => [l.dependent, l.upstream]))].sort();
  const shown = names.slice(0, MAX_GRAPH_ENVIRONMENTS);
  const id = new Map(shown.map((name, i) => [name, `e${i}`]));
  const lines = ["flowchart LR", ...shown.map((name) => `  ${id.get(name)}${name === current ? `(["${name}"])` : `["${name}"]`}`)];
  for (const link of links) {
    if (id.has(link.dependent) && id.has(link.upstream)) lines.push(`  ${id.get(link.dependent)} -->|"${label(link.output)}"| ${id.get(link.upstream)}`);
  }
  if (names.length > shown.length) lines.push(`  more["…and ${names.length - shown.length} more"]`);
  return lines.join("\n");
}

/** Mermaid's entity codes keep quotes and markup in a label from ending it (names are DNS labels already). */
function label(text: string): string {
  return text.replace(/[#"<>&|]/g, (c) => `#${c.charCodeAt(0)};`);
}
