import type { SweepEntry, SweepResult } from "../core/reconciling/index.js";

/**
 * The command line's account of `envbot reconcile --once`: one line per environment and sweep
 * (what was decided, what came of it, and why it failed), the notices for that environment
 * indented beneath it (how to extend, what drifted), and one summary line.
 */
export function formatSweepResults(results: SweepResult[], notices: (kind: SweepResult["kind"], environment: string) => string[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    for (const entry of result.entries) {
      lines.push(`${result.kind}: ${entry.environment}: ${describeEntry(entry, result.dryRun)}`);
      for (const notice of notices(result.kind, entry.environment)) lines.push(`  ${notice}`);
    }
  }
  lines.push(formatSummary(results));
  return lines;
}

function describeEntry(entry: SweepEntry, dryRun: boolean): string {
  const action = entry.action.replace("-", " ");
  if (entry.outcome === "failed") return `${entry.action === "none" ? "check" : action} failed: ${entry.detail ?? "see the log"}`;
  if (entry.outcome === "queued") return `${action}: queued for a worker`;
  const what = dryRun && entry.action !== "none" && entry.action !== "in-sync" ? `would ${action}` : action;
  const context = entry.detail ?? (entry.expiresAt ? `expires ${entry.expiresAt}` : undefined);
  return context ? `${what} (${context})` : what;
}

function formatSummary(results: SweepResult[]): string {
  if (results.every((r) => r.entries.length === 0)) return "Summary: no applied environments to reconcile.";
  const parts = results.map((result) => {
    const counts = new Map<string, number>();
    for (const entry of result.entries) {
      const key = entry.outcome === "failed" ? "failed" : entry.action.replace("-", " ");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const listed = [...counts].map(([key, count]) => `${count} ${key}`).join(", ");
    return `${result.kind}: ${listed || "nothing"}`;
  });
  const dryRun = results.some((r) => r.dryRun) ? " (dry run: nothing was changed)" : "";
  return `Summary: ${parts.join("; ")}${dryRun}.`;
}
