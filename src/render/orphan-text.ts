import type { Orphan } from "../core/inventory/index.js";

/** `envbot orphans`: what carries the repository's envbot tags but is in no environment's state. */
export function formatOrphans(input: { repository: string; region: string; orphans: readonly Orphan[] }): string {
  if (input.orphans.length === 0) return `Nothing left behind: every resource tagged for ${input.repository} in ${input.region} is in an environment's state.`;
  const lines = [`${input.orphans.length} resource${input.orphans.length === 1 ? "" : "s"} tagged for ${input.repository} in ${input.region} but in no environment's state:`];
  const width = Math.max(...input.orphans.map((o) => o.environment.length));
  for (const orphan of input.orphans) lines.push(`  ${orphan.environment.padEnd(width)}  ${orphan.arn}`);
  lines.push("envbot deletes nothing it does not hold in a state: check each one, then delete it or import it into its environment.");
  return lines.join("\n");
}
