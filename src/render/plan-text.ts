import type { DependencyLink } from "../core/dependencies/recorded-dependencies.js";
import type { AttributeChange, PlanSummary, ResourceAction, ResourceChange } from "../core/planning/index.js";
import type { EnvironmentRecord, RunRecord } from "../core/ports/index.js";
import { columns } from "./terminal-text.js";
import { shownStatus } from "../core/hibernation/shown-status.js";

/** Terraform's symbol for each action; "+" and "-" lead a line so GitHub colours it in a diff block. */
export const ACTION_SYMBOL: Record<ResourceAction, string> = { create: "+", update: "~", delete: "-", replace: "-/+", read: "<=", forget: "forget" };

/** "1 to add, 0 to change, 0 to destroy" as Terraform says it. */
export function formatChangeCounts(summary: PlanSummary): string {
  const { add, change, destroy } = summary.changes;
  return `${add} to add, ${change} to change, ${destroy} to destroy`;
}

/** Terminal colours of the actions, as Terraform uses them. */
const ACTION_COLOR: Record<ResourceAction, string> = { create: "32", update: "33", delete: "31", replace: "35", read: "36", forget: "90" };

/** The plan in a few readable lines: counts, then one line per resource (coloured on a terminal). */
export function formatPlanSummary(summary: PlanSummary, options: { color?: boolean } = {}): string {
  const formatResource = (resource: ResourceChange) => {
    const [head, ...details] = formatResourceLines(resource);
    return [options.color ? `\u001b[${ACTION_COLOR[resource.action]}m${head}\u001b[0m` : head, ...details].join("\n");
  };
  const lines: string[] = [];
  const title = summary.mode === "destroy" ? "Destroy plan" : "Plan";
  lines.push(
    summary.hasChanges || summary.mode !== "normal"
      ? `${title} for ${summary.environment}: ${formatChangeCounts(summary)}.`
      : `No changes for ${summary.environment}: the environment matches its definition.`,
  );
  for (const resource of summary.resources) lines.push(formatResource(resource));
  for (const output of summary.outputs) lines.push(`  output ${output.name}: ${output.action}${output.sensitive ? " (sensitive)" : ""}`);
  if (summary.drift.length > 0) {
    lines.push("Changed outside of Terraform since the last apply:");
    for (const resource of summary.drift) lines.push(formatResource(resource));
  }
  return lines.join("\n");
}

function formatResourceLines(resource: ResourceChange): string[] {
  return [`  ${ACTION_SYMBOL[resource.action].padEnd(3)} ${resource.address}`, ...resource.attributes.map((a) => `      ${formatAttribute(resource, a)}`)];
}

/** One attribute as Terraform's plan shows it: `path = value` for a create, `path: before -> after` for a change. */
export function formatAttribute(resource: ResourceChange, a: AttributeChange): string {
  if (resource.action === "create") return `${a.path} = ${a.sensitive ? "(sensitive)" : a.unknown ? "(known after apply)" : (a.after ?? "null")}`;
  return formatAttributeChange(a);
}

/** `path: before -> after`; a sensitive attribute never shows a value, whatever it carries. */
export function formatAttributeChange(a: AttributeChange): string {
  if (a.sensitive) return `${a.path}: (sensitive)`;
  return `${a.path}: ${a.before ?? "null"} -> ${a.unknown ? "(known after apply)" : (a.after ?? "null")}`;
}

/** The status table of `envbot status`; `remote`: of an envbot server, whose environments come from pull requests. */
export function formatStatusTable(records: EnvironmentRecord[], options: { remote?: boolean } = {}): string {
  if (records.length === 0) {
    return options.remote ? "No environments yet: a pull request that adds a definition makes one." : "No environments yet: plan and apply one with 'envbot apply NAME'.";
  }
  // A destroyed environment expires no more: its old expiry would only mislead.
  const rows = records.map((r) => [r.name, shownStatus(r), r.template, r.expiresAt && r.status !== "destroyed" ? r.expiresAt.toISOString() : "-", r.updatedAt.toISOString()]);
  const header = ["NAME", "STATUS", "TEMPLATE", "EXPIRES", "UPDATED"];
  return columns([header, ...rows]).join("\n");
}

/** A run closed as interrupted, in one line: which run of which environment, and what to do. */
export function formatInterruptedRun(run: RunRecord): string {
  return `the ${run.kind} of ${run.environment} (run ${run.id}, started ${run.startedAt.toISOString()}) was ${run.error ?? "interrupted"}`;
}

/** An environment's dependencies for the terminal: what it takes outputs of, and who takes its outputs; "" when neither. */
export function formatDependencyLines(dependencies: { upstreams: readonly DependencyLink[]; dependents: readonly DependencyLink[] }): string {
  const link = (d: DependencyLink) => `${d.environment} (${d.variable} <- ${d.output})`;
  return [
    ...(dependencies.upstreams.length > 0 ? [`Takes outputs of: ${dependencies.upstreams.map(link).join(", ")}`] : []),
    ...(dependencies.dependents.length > 0 ? [`Its outputs are taken by: ${dependencies.dependents.map(link).join(", ")}`] : []),
  ].join("\n");
}
