import type { Orphan } from "../core/inventory/index.js";
import type { OrphanReport, OrphanSweepRecord } from "../core/ports/index.js";
import { ISSUE_BODY_LIMIT } from "./github-limits.js";
import { codeSpan, fitItems, formatCount, formatTimestamp } from "./markdown.js";
import { OWNER_PATTERN, type IssueText } from "./reconcile-texts.js";
import { printable } from "./terminal-text.js";

/** `envbot orphans`: what carries the repository's envbot tags but is in no environment's state. */
export function formatOrphans(input: { repository: string; region: string; orphans: readonly Orphan[] }): string {
  if (input.orphans.length === 0) return `Nothing left behind: every resource tagged for ${input.repository} in ${input.region} is in an environment's state.`;
  const lines = [`${input.orphans.length} resource${input.orphans.length === 1 ? "" : "s"} tagged for ${input.repository} in ${input.region} but in no environment's state:`];
  // Environment names and ARNs come from the cloud's tags.
  const width = Math.max(...input.orphans.map((o) => o.environment.length));
  for (const orphan of input.orphans) lines.push(`  ${printable(orphan.environment).padEnd(width)}  ${printable(orphan.arn)}`);
  lines.push("envbot deletes nothing it does not hold in a state: check each one, then delete it or import it into its environment.");
  return lines.join("\n");
}

/**
 * `envbot orphans --context`: what the server's latest orphan sweep of each repository found, as
 * of when it ran, and a line for each repository no sweep has looked at (the sweep is opt-in);
 * by repository, a blank line between them.
 */
export function formatOrphanSweeps(input: { sweeps: readonly OrphanSweepRecord[]; unswept: readonly string[] }): string {
  const blocks = [
    ...input.sweeps.map((sweep) => ({
      repository: sweep.repository,
      text: `${sweep.repository}, as of its latest orphan sweep (${formatTimestamp(sweep.sweptAt)}):\n${formatOrphans(sweep)}`,
    })),
    ...input.unswept.map((repository) => ({ repository, text: neverSweptText(repository) })),
  ];
  if (blocks.length === 0) return "No orphan sweep has run for a repository you can read: set schedules.orphans in a repository's .github/envbot.yml.";
  return blocks
    .sort((a, b) => a.repository.localeCompare(b.repository))
    .map((block) => block.text)
    .join("\n\n");
}

function neverSweptText(repository: string): string {
  return `No orphan sweep has run for ${repository}: set schedules.orphans in .github/envbot.yml.`;
}

/** Label of the orphan sweep's issues: the adapter finds them again by it. */
export const ORPHANS_LABEL = "envbot:orphans";
const ORPHAN_TITLE_PREFIX = "envbot: resources left behind by environment ";

/** Stable for the life of the environment: the adapter finds the open report by it. */
export function orphanIssueTitle(environment: string): string {
  return `${ORPHAN_TITLE_PREFIX}${environment}`;
}

/** The environment an orphan report's title names, or undefined for any other title. */
export function environmentOfOrphanIssue(title: string): string | undefined {
  return title.startsWith(ORPHAN_TITLE_PREFIX) ? title.slice(ORPHAN_TITLE_PREFIX.length) : undefined;
}

/**
 * The issue of one environment's left-behind resources. No timestamps: an unchanged finding
 * renders the same body, so the adapter edits nothing and notifies nobody.
 */
export function renderOrphanIssue(report: OrphanReport): IssueText {
  const name = codeSpan(report.environment);
  const whom = report.owner && OWNER_PATTERN.test(report.owner) ? `${report.owner}, ` : "";
  const intro =
    `${whom}${formatCount(report.orphans.length, "cloud resource")} in ${codeSpan(report.region)} ${report.orphans.length === 1 ? "carries" : "carry"} the tags of the environment ${name} ` +
    `of this repository, but no environment's state holds ${report.orphans.length === 1 ? "it" : "them"}: a destroy that failed half-way may have left ${report.orphans.length === 1 ? "it" : "them"}, or someone made ${report.orphans.length === 1 ? "it" : "them"} by hand with copied tags. ` +
    "Whatever it is still costs money.";
  const what = [
    "### What to do",
    [
      "- **envbot never deletes these.** Check each one: delete it in AWS if nothing needs it, or import it into the environment's Terraform state if it belongs there.",
      `- ${codeSpan("envbot orphans")} in a checkout lists the same, and ${codeSpan("envbot find ARN")} tells which environment holds a resource.`,
    ].join("\n"),
    "envbot looks again on the schedule `schedules.orphans` of `.github/envbot.yml`: it updates this issue when the list changes and closes it once nothing is left behind.",
  ].join("\n\n");
  const assemble = (list: string) => [intro, "### Left behind", list, what].join("\n\n");
  const items = report.orphans.map((orphan) => `- ${codeSpan(orphan.arn)}${tagText(orphan.tags)}`);
  const room = ISSUE_BODY_LIMIT - assemble("").length - 200;
  const kept = fitItems(items, room);
  const list = kept.length === items.length ? kept.join("\n") : [...kept, "", `…and ${formatCount(items.length - kept.length, "more resource")}, left out to fit GitHub's issue size limit.`].join("\n");
  return { title: orphanIssueTitle(report.environment), body: assemble(list) };
}

export function renderOrphansResolvedComment(environment: string): string {
  return `✅ Nothing tagged for ${codeSpan(environment)} is left behind any more: every such resource is gone or in a state. Closing this issue.`;
}

/** The tags beyond envbot's own two, which say who made it and why. */
function tagText(tags: Record<string, string>): string {
  const others = Object.entries(tags).filter(([key]) => key !== "envbot:repository" && key !== "envbot:environment");
  if (others.length === 0) return "";
  return ` (tags: ${others.slice(0, 10).map(([key, value]) => codeSpan(`${key}=${value}`)).join(", ")}${others.length > 10 ? ", …" : ""})`;
}
