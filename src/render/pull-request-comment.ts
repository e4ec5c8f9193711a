// The pull request comments: the plan after each push, the apply after the merge. A comment longer
// than GitHub allows is split into numbered parts; nothing is ever cut without saying so.
import type {
  EnvironmentApplyReport,
  EnvironmentReport,
  PullRequestApplyReport,
  PullRequestPlanReport,
  PullRequestRef,
  ValidationReport,
} from "../core/ports/pull-request-report.js";
import { formatResourceGraph } from "./resource-graph.js";
import { formatCostEstimate, formatHibernation } from "./cost-text.js";
import { compareDiagnostics } from "../core/diagnostics/index.js";
import { environmentCheckName, VALIDATION_CHECK_NAME } from "./check-names.js";
import { fitsCheckRunText } from "./check-runs.js";
import { formatCommandList } from "./command-replies.js";
import { formatDiagnostic, formatValidationSummary } from "./diagnostics-text.js";
import {
  describeFailureBlocks,
  ALREADY_DESTROYED_TEXT,
  describeInterrupted,
  describeInvalid,
  describeLock,
  describeLifetime,
  describeLockHolder,
  ATTRIBUTES_PENDING_TEXT,
  describeInputWaits,
  describeMergeEffect,
  describePlanChanges,
  describeOutputValues,
  describeTemplateSource,
  describeTooManyEnvironments,
  describeNotDefaultBranch,
  formatAppliedCounts,
  formatLinkOrCode,
  formatLongText,
} from "./environment-markdown.js";
import { COMMENT_BODY_LIMIT, COMMENT_DIAGNOSTICS_SHOWN } from "./github-limits.js";
import { codeSpan, cutMarkdown, fenceText, foldDetails, formatCount, formatLockHolder } from "./markdown.js";
import { formatChangeCounts } from "./plan-text.js";

/** First line of every part of the plan comment: the app finds its comment by it. */
export const COMMENT_MARKER = "<!-- envbot:pull-request -->";
/** First line of every part of the apply comment; neither marker is a prefix of the other. */
export const APPLY_COMMENT_MARKER = "<!-- envbot:pull-request-apply -->";

type CommentKind = "pull-request" | "pull-request-apply";

export interface CommentPart {
  comment: "plan" | "apply";
  /** 1-based. */
  part: number;
  of: number;
}

const LIMIT_NAME = "GitHub's comment size limit";
const SECTION_SEPARATOR = "\n\n";

/** The second line of a part: which part it is, so a later run edits the same comments. */
function formatPartMarker(kind: CommentKind, part: number, of: number): string {
  return `<!-- envbot:${kind} part=${part} of=${of} -->`;
}

/** Which envbot comment part a comment body is, if it is one. */
export function parseCommentPart(body: string): CommentPart | undefined {
  const match = /^<!-- envbot:(pull-request|pull-request-apply) -->\r?\n<!-- envbot:\1 part=(\d+) of=(\d+) -->/.exec(body);
  if (!match) return undefined;
  return { comment: match[1] === "pull-request" ? "plan" : "apply", part: Number(match[2]), of: Number(match[3]) };
}

function formatPartPrefix(kind: CommentKind, title: string, part: number, of: number): string {
  const marker = kind === "pull-request" ? COMMENT_MARKER : APPLY_COMMENT_MARKER;
  const lines = [marker, formatPartMarker(kind, part, of)];
  if (of > 1) lines.push(part === 1 ? `_Part 1 of ${of}_` : `_Part ${part} of ${of}: ${title}, continued_`, "");
  return lines.join("\n") + "\n";
}

/** Longer text (plan, log, details) a section holds, each shortened only when it must be. */
interface TextBudget {
  plan?: number;
  details?: number;
  log?: number;
}

/**
 * The section as rendered, or, when it alone is longer than maxChars: its long texts shortened one
 * by one (plan first, then log, then details), then a cut that says so.
 */
function fitSection(render: (budget: TextBudget) => string, maxChars: number, cutNotice: string): string {
  let budget: TextBudget = {};
  let section = render(budget);
  for (const field of ["plan", "log", "details"] as const) {
    if (section.length <= maxChars) return section;
    const without = render({ ...budget, [field]: 0 });
    // Slack for the digits of the "N of M lines left out" notice.
    const room = maxChars - without.length - 64;
    budget = { ...budget, [field]: Math.max(room, 0) };
    section = render(budget);
    if (section.length > maxChars) {
      budget = { ...budget, [field]: 0 };
      section = without;
    }
  }
  return cutMarkdown(section, maxChars, cutNotice);
}

/** Sections kept whole, packed in order into as few parts as fit the comment limit. */
function packParts(input: { kind: CommentKind; title: string; sections: string[] }): string[] {
  const reserve = formatPartPrefix(input.kind, input.title, 99_999, 99_999).length;
  const room = COMMENT_BODY_LIMIT - reserve;
  const parts: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const section of input.sections) {
    const added = (current.length > 0 ? SECTION_SEPARATOR.length : 0) + section.length;
    if (current.length > 0 && length + added > room) {
      parts.push(current);
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? SECTION_SEPARATOR.length : 0) + section.length;
    current.push(section);
  }
  if (current.length > 0) parts.push(current);
  return parts.map((sections, i) => formatPartPrefix(input.kind, input.title, i + 1, parts.length) + sections.join(SECTION_SEPARATOR));
}

function formatShortSha(sha: string): string {
  return codeSpan(sha.slice(0, 7));
}

/** "the `envbot plan: checkout` check run has the whole plan" when it does, else that it has more. */
function describeCheckRunCopy(checkName: string, text: string, what: string): string {
  return fitsCheckRunText(text) ? `the ${codeSpan(checkName)} check run has the whole ${what}` : `the ${codeSpan(checkName)} check run shows more of it`;
}

/** "3 environments: 2 planned, 1 locked." */
function formatKindCounts(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const parts = [...counts].map(([kind, count]) => `${count} ${kind}`);
  return `${formatCount(kinds.length, "environment")}: ${parts.join(", ")}.`;
}

function describeValidation(validation: ValidationReport): string {
  if (validation.tooMany) return `❌ **Too many environments:** ${describeTooManyEnvironments(validation.tooMany)}`;
  const files = validation.files.length;
  if (files === 0 && validation.diagnostics.length === 0) return "✅ **Validation:** no environment definitions changed.";
  const invalidFiles = new Set(validation.diagnostics.map((d) => d.file)).size;
  const sentence = formatValidationSummary({ problems: validation.diagnostics.length, files, invalidFiles });
  if (validation.diagnostics.length === 0) return `✅ **Validation:** ${sentence}.`;
  const sorted = [...validation.diagnostics].sort(compareDiagnostics);
  const shown = sorted.slice(0, COMMENT_DIAGNOSTICS_SHOWN).map((d) => formatDiagnostic(d));
  const blocks = [`❌ **Validation:** ${sentence}:`, fenceText(shown.join("\n"))];
  const more = sorted.length - shown.length;
  if (more > 0) blocks.push(`…and ${more.toLocaleString("en-US")} more in the ${codeSpan(VALIDATION_CHECK_NAME)} check run.`);
  return blocks.join("\n\n");
}

function renderPlanHeader(report: PullRequestPlanReport): string {
  const blocks = [`### envbot plan for ${formatShortSha(report.pullRequest.headSha)}`];
  if (report.environments.length > 0) blocks.push(formatKindCounts(report.environments.map((e) => e.kind)));
  if (report.stillPlanning?.length) blocks.push(`⏳ Still to plan: ${report.stillPlanning.map((name) => codeSpan(name)).join(", ")}.`);
  blocks.push(describeValidation(report.validation));
  const { pullRequest } = report;
  if (pullRequest.baseRef !== pullRequest.defaultBranch) blocks.push(`⚠️ ${describeNotDefaultBranch(pullRequest)}`);
  return blocks.join("\n\n");
}

function renderPlannedSection(report: Extract<EnvironmentReport, { kind: "planned" }>, pullRequest: PullRequestRef, budget: TextBudget): string {
  const counts = report.summary.hasChanges ? formatChangeCounts(report.summary) : "no changes";
  const blocks = [
    `#### ${codeSpan(report.environment)}: ${counts}`,
    `${describeMergeEffect(report.effect, report.alreadyDestroyed, report.takesOutputsOf)} Defined in ${codeSpan(report.file)}.`,
    ...(report.lifetime ? [describeLifetime(report.lifetime)] : []),
    ...(report.effect === "apply" && report.summary.cost ? [formatCostEstimate(report.summary.cost, report.lifetime)] : []),
    ...(report.hibernation ? [formatHibernation(report.hibernation, report.summary.cost)] : []),
    // An environment planned only because it takes outputs of a changed one is never locked by it.
    ...(report.takesOutputsOf ? [] : [describeLockHolder(report.lockHolder, pullRequest)]),
  ];
  if (report.templateSource === "default-branch") blocks.push(describeTemplateSource(pullRequest));
  blocks.push(...describePlanChanges(report.summary));
  if (report.attributesPending) blocks.push(ATTRIBUTES_PENDING_TEXT);
  if (report.planText.trim() !== "") {
    const checkName = environmentCheckName(report.environment, "plan");
    const plan = formatLongText({
      text: report.planText,
      keep: "head",
      maxChars: budget.plan,
      limitName: LIMIT_NAME,
      whereElse: describeCheckRunCopy(checkName, report.planText, "plan"),
    });
    const title = plan.omitted > 0 ? `Plan (${formatCount(plan.omitted, "line")} of ${plan.total.toLocaleString("en-US")} left out)` : "Plan";
    blocks.push(foldDetails(title, plan.block));
  }
  const graph = report.summary.mode === "normal" && report.summary.dependencies ? formatResourceGraph(report.summary.dependencies) : undefined;
  if (graph) blocks.push(foldDetails("Resources and their dependencies", `\`\`\`mermaid\n${graph}\n\`\`\``));
  return blocks.join("\n\n");
}

function renderEnvironmentSection(report: EnvironmentReport, pullRequest: PullRequestRef, budget: TextBudget): string {
  const name = codeSpan(report.environment);
  switch (report.kind) {
    case "planned":
      return renderPlannedSection(report, pullRequest, budget);
    case "locked":
      return [`#### ${name}: locked by ${formatLockHolder(report.heldBy)}`, describeLock(report)].join("\n\n");
    case "invalid":
      return [`#### ${name}: invalid definition`, describeInvalid({ ...report, phase: "plan" })].join("\n\n");
    case "failed": {
      const checkName = environmentCheckName(report.environment, "plan");
      const what = report.effect === "destroy" ? "destroy plan" : "plan";
      const failure = describeFailureWithin(report, budget, checkName);
      const next = `Fix the cause and push, or comment ${codeSpan(`/envbot plan ${report.environment}`)} to try again.`;
      return [`#### ${name}: ${what} failed`, `Defined in ${codeSpan(report.file)}.`, ...failure, next].join("\n\n");
    }
    case "superseded":
      return [`#### ${name}: superseded`, "A newer push replaced this plan."].join("\n\n");
    case "waiting":
      return [`#### ${name}: waits for its inputs`, describeInputWaits(report), `Defined in ${codeSpan(report.file)}.`].join("\n\n");
  }
}

/** A failure's reason, details and log, shortened to the section's budget. */
function describeFailureWithin(report: { reason: string; details: string; log: string }, budget: TextBudget, checkName: string): string[] {
  return describeFailureBlocks({
    reason: report.reason,
    details: report.details,
    log: report.log,
    detailsMaxChars: budget.details,
    logMaxChars: budget.log,
    limitName: LIMIT_NAME,
    whereElse: `the ${codeSpan(checkName)} check run has more`,
  });
}

function formatCutNotice(checkName: string): string {
  return `✂️ This section is cut here to fit ${LIMIT_NAME}; the ${codeSpan(checkName)} check run has the rest.`;
}

/**
 * The longest an environment's section may be: what a part holds, less the header and footer,
 * so a single oversized environment still shares one comment with them (within reason).
 */
function sectionRoom(kind: CommentKind, title: string, fixed: string[]): number {
  const room = COMMENT_BODY_LIMIT - formatPartPrefix(kind, title, 99_999, 99_999).length;
  const fixedLength = fixed.reduce((sum, section) => sum + section.length + SECTION_SEPARATOR.length, 0);
  return room - Math.min(fixedLength, Math.floor(room / 4));
}

/** The plan comment: one string per comment to post, in order; usually one. */
export function renderPlanComment(report: PullRequestPlanReport): string[] {
  const kind: CommentKind = "pull-request";
  const title = `envbot plan for ${formatShortSha(report.pullRequest.headSha)}`;
  const partRoom = sectionRoom(kind, title, []);
  const header = fitSection(() => renderPlanHeader(report), partRoom, formatCutNotice(VALIDATION_CHECK_NAME));
  const footer = `---\n\n${formatCommandList()}`;
  const room = sectionRoom(kind, title, [header, footer]);
  const sections = report.environments.map((environment) =>
    fitSection(
      (budget) => renderEnvironmentSection(environment, report.pullRequest, budget),
      room,
      formatCutNotice(environmentCheckName(environment.environment, "plan")),
    ),
  );
  return packParts({ kind, title, sections: [header, ...sections, footer] });
}

function renderApplySection(report: EnvironmentApplyReport, budget: TextBudget): string {
  const name = codeSpan(report.environment);
  const checkName = environmentCheckName(report.environment, "apply");
  switch (report.kind) {
    case "applied": {
      if (report.effect === "destroy") {
        if (report.alreadyDestroyed) return [`#### ${name}: definition removed`, ALREADY_DESTROYED_TEXT].join("\n\n");
        return [`#### ${name}: destroyed`, `${formatCount(report.summary.changes.destroy, "resource")} destroyed.`].join("\n\n");
      }
      const blocks = [`#### ${name}: applied`, report.summary.hasChanges ? `${formatAppliedCounts(report.summary)}.` : "No changes were needed."];
      if (report.url) blocks.push(`🔗 ${formatLinkOrCode(report.url)}`);
      const outputs = describeOutputValues(report.outputs, report.summary);
      if (outputs) blocks.push(outputs);
      return blocks.join("\n\n");
    }
    case "failed": {
      const failure = describeFailureWithin(report, budget, checkName);
      return [`#### ${name}: ${report.effect === "destroy" ? "destroy" : "apply"} failed`, ...failure].join("\n\n");
    }
    case "invalid":
      return [`#### ${name}: invalid definition`, describeInvalid({ ...report, phase: "apply" })].join("\n\n");
    case "interrupted":
      return [`#### ${name}: ${report.effect === "destroy" ? "destroy" : "apply"} interrupted`, ...describeInterrupted(report)].join("\n\n");
  }
}

function nameApplyKind(report: EnvironmentApplyReport): string {
  if (report.kind === "applied") return report.effect === "destroy" ? (report.alreadyDestroyed ? "definition removed" : "destroyed") : "applied";
  return report.kind;
}

/** The comment after the merge: what was applied or destroyed, per environment. */
export function renderApplyComment(report: PullRequestApplyReport): string[] {
  const kind: CommentKind = "pull-request-apply";
  const title = `envbot apply of ${formatShortSha(report.mergeSha)}`;
  const counts = report.notApplied
    ? `Nothing was applied. ${report.notApplied.kind === "not-default-branch" ? describeNotDefaultBranch(report.pullRequest) : describeTooManyEnvironments(report.notApplied)}`
    : report.environments.length > 0
      ? formatKindCounts(report.environments.map(nameApplyKind))
      : "This pull request changed no environments: nothing to apply.";
  const header = [`### ${title}`, counts].join("\n\n");
  const room = sectionRoom(kind, title, [header]);
  const sections = report.environments.map((environment) =>
    fitSection((budget) => renderApplySection(environment, budget), room, formatCutNotice(environmentCheckName(environment.environment, "apply"))),
  );
  return packParts({ kind, title, sections: [header, ...sections] });
}
