// What envbot answers on a drift issue to `/envbot revert`, `/envbot revert confirm` and
// `/envbot adopt`. The revert plan's comment carries a hidden marker with the commit it planned:
// a confirmation applies that commit only, and only while it is still the default branch's head.
import { variablePath } from "../core/environment-actions/adopt-drift.js";
import { withoutTagBookkeeping, type AdoptedValue, type NotAdopted, type PlanSummary, type ResourceAction } from "../core/planning/index.js";
import { describeFailureBlocks } from "./environment-markdown.js";
import { COMMENT_BODY_LIMIT } from "./github-limits.js";
import { codeSpan, cutMarkdown, escapeMarkdown, formatCount } from "./markdown.js";
import { formatAttributeChange, formatChangeCounts } from "./plan-text.js";
import { notAdoptedList } from "./proposal-texts.js";

const VERB: Record<ResourceAction, string> = {
  create: "is created again",
  update: "is changed back",
  delete: "is destroyed",
  replace: "is replaced",
  read: "is read",
  forget: "is forgotten",
};

/** The hidden line of a revert plan: which environment, planned at which commit. */
export function revertPlanMarker(environment: string, commit: string): string {
  return `<!-- envbot:revert-plan environment=${environment.replace(/[^a-z0-9-]/g, "_")} commit=${commit.replace(/[^0-9a-f]/g, "")} -->`;
}

/** The commit the newest revert plan of `environment` among `bodies` (oldest first) planned, if any. */
export function plannedRevertCommit(bodies: readonly string[], environment: string): string | undefined {
  for (const body of [...bodies].reverse()) {
    const found = /<!-- envbot:revert-plan environment=([a-z0-9_-]+) commit=([0-9a-f]{40}) -->/.exec(body);
    if (found && found[1] === environment) return found[2];
  }
  return undefined;
}

export function renderRevertPlan(input: { environment: string; defaultBranch: string; commit: string; summary: PlanSummary; login?: string }): string {
  const { environment, defaultBranch, commit, summary } = input;
  const name = codeSpan(environment);
  const at = `${codeSpan(defaultBranch)} (${codeSpan(commit.slice(0, 7))})`;
  if (!summary.hasChanges) return `Nothing to revert: ${name} matches its definition on ${at}. The drift issue closes at the next drift check.`;
  const items = summary.resources.map((resource) => {
    const attributes = withoutTagBookkeeping(resource.attributes).map((a) => `  - ${codeSpan(formatAttributeChange(a))}`);
    return [`- ${codeSpan(resource.address)} ${VERB[resource.action]}`, ...attributes].join("\n");
  });
  const body = [
    revertPlanMarker(environment, commit),
    `Reverting ${name} applies its definition on ${at}${input.login ? `, as @${input.login} asked to see` : ""}: ${formatChangeCounts(summary)}.`,
    items.join("\n"),
    `To apply exactly this, someone allowed to revert comments ${codeSpan("/envbot revert confirm")}. If ${codeSpan(defaultBranch)} moves first, plan again with ${codeSpan("/envbot revert")}.`,
  ].join("\n\n");
  return cutMarkdown(body, COMMENT_BODY_LIMIT, "✂️ The rest of the plan is left out to fit GitHub's limit.");
}

export function renderRevertNeedsPlan(input: { login: string }): string {
  return `@${input.login}, there is no revert plan on this issue to confirm: comment ${codeSpan("/envbot revert")} first, read the plan, then confirm it.`;
}

export function renderRevertStale(input: { planned: string; head: string; defaultBranch: string }): string {
  return `Not reverted: ${codeSpan(input.defaultBranch)} moved since the plan (${codeSpan(input.planned.slice(0, 7))} then, ${codeSpan(input.head.slice(0, 7))} now). Comment ${codeSpan("/envbot revert")} to plan it again.`;
}

export function renderReverted(input: { environment: string; defaultBranch: string; commit: string; summary: PlanSummary; actor: string }): string {
  return `✅ Reverted by ${escapeMarkdown(input.actor)}: ${codeSpan(input.environment)} is applied as defined on ${codeSpan(input.defaultBranch)} (${codeSpan(input.commit.slice(0, 7))}); ${formatChangeCounts(input.summary)}. It matches Git again. Closing this issue.`;
}

export function renderRevertFailed(input: { environment: string; reason: string; details?: string }): string {
  const failure = describeFailureBlocks({ reason: input.reason, details: input.details ?? "", log: "", detailsMaxChars: 20_000, limitName: "GitHub's comment limit", whereElse: "the environment's runs" });
  return [`❌ Reverting ${codeSpan(input.environment)} failed. The drift is as reported above.`, ...failure].join("\n\n");
}

export function renderAdoptionProposed(input: { pullRequest: { number: number; url: string }; adopted: readonly AdoptedValue[]; notAdopted: readonly NotAdopted[] }): string {
  const values = input.adopted.map((a) => codeSpan(`variables.${variablePath(a)}`)).join(", ");
  const rest = input.notAdopted.length > 0 ? `\n\nNot adopted (no variable of the definition holds them):\n\n${notAdoptedList(input.notAdopted)}` : "";
  return `Opened #${input.pullRequest.number}: it writes ${formatCount(input.adopted.length, "drifted value")} into the definition (${values}). Merged and applied, the drifted resources keep their values and this issue closes at the next drift check.${rest}`;
}

export function renderNothingToAdopt(input: { environment: string; notAdopted: readonly NotAdopted[]; drifting: boolean }): string {
  if (!input.drifting) return `Nothing to adopt: ${codeSpan(input.environment)} shows no drift now.`;
  return `Nothing to adopt: no variable of ${codeSpan(input.environment)}'s definition holds what drifted, so Git cannot say it. Revert it instead (${codeSpan("/envbot revert")}), or change the template.\n\n${notAdoptedList(input.notAdopted)}`;
}

export function renderAdoptFailed(input: { environment: string; reason: string; problems?: readonly { message: string }[] }): string {
  const problems = input.problems?.map((p) => `- ${escapeMarkdown(p.message)}`).join("\n");
  return `❌ Adopting the drift of ${codeSpan(input.environment)} failed: ${escapeMarkdown(input.reason)}${problems ? `\n\n${problems}` : ""}`;
}
