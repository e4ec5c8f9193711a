// What the reconciler tells the owners of environments, as GitHub issues, comments and the
// cleanup pull request. Titles are stable per environment (and expiry): the GitHub adapter finds
// its open issues again by title and label, so a retry or a restart never opens a duplicate.
import { withoutTagBookkeeping, type ResourceAction, type ResourceChange } from "../core/planning/index.js";
import type { DriftReport, EnvironmentNotice } from "../core/ports/index.js";
import { describeFailureBlocks } from "./environment-markdown.js";
import { formatAttributeChange } from "./plan-text.js";
import { ISSUE_BODY_LIMIT } from "./github-limits.js";
import { codeSpan, cutMarkdown, fenceText, fitItems, formatCount, formatHumanDate, formatIsoDate, formatTimestamp } from "./markdown.js";

/** Labels of the issues the reconciler opens: the adapter searches by them. */
export const EXPIRY_LABEL = "envbot:expiry";
export const DRIFT_LABEL = "envbot:drift";
export const RECONCILE_LABEL = "envbot:reconcile";

export interface IssueText {
  title: string;
  body: string;
}

/** Problems of an unusable definition listed in its issue; the pull request's check has them all. */
const PROBLEMS_SHOWN = 50;

/** Room kept for the "…and N more" line of a shortened list. */
const MORE_LINE_ROOM = 200;

const LIMIT_NAME = "GitHub's issue size limit";

// The owner field of a valid definition: anything else is shown, never used as a mention.
export const OWNER_PATTERN = /^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(\/[A-Za-z0-9][A-Za-z0-9_-]{0,99})?$/;

function mention(owner: string): string {
  return OWNER_PATTERN.test(owner) ? owner : codeSpan(owner);
}

// ---------------------------------------------------------------------------------------------
// Expiry

/** Every warning title of the environment starts with this, whatever the expiry. */
export function expiryWarningTitlePrefix(environment: string): string {
  return `envbot: environment ${environment} expires`;
}

export function renderExpiryWarningIssue(notice: EnvironmentNotice & { expiresAt: Date; dependents?: readonly string[] }): IssueText {
  const name = codeSpan(notice.environment);
  const file = codeSpan(notice.file);
  const body = [
    `${mention(notice.owner)}, the environment ${name} expires on **${formatHumanDate(notice.expiresAt)}** (${codeSpan(formatIsoDate(notice.expiresAt))}). envbot then destroys it.`,
    `**To keep it longer**, open a pull request that changes its definition ${file}:`,
    [
      `- a longer ${codeSpan("spec.ttl")} (counted from its first successful apply, like ${codeSpan("72h")} or ${codeSpan("7d")}), or a later ${codeSpan("spec.expiresAt")} (RFC 3339 with a time zone), within the repository's ${codeSpan("limits.maxTtl")};`,
      `- or ${codeSpan("spec.protected: true")} to keep it: the reconciler never destroys a protected environment.`,
    ].join("\n"),
    notice.dependents?.length
      ? `**Environments take its outputs**: ${notice.dependents.map((d) => codeSpan(d)).join(", ")}. envbot keeps ${name} past its expiry while any of them is live, and destroys it at the first sweep after they are gone.`
      : `The new expiry counts once the pull request is merged. If nothing changes, envbot destroys ${name} at expiry and says so here.`,
  ].join("\n\n");
  return { title: `${expiryWarningTitlePrefix(notice.environment)} on ${formatTimestamp(notice.expiresAt)}`, body };
}

type ExpiredNotice = EnvironmentNotice & {
  expiresAt: Date;
  /** The cleanup pull request envbot opened. */
  cleanupPullRequest?: number;
  /** The definition was already gone from the default branch, so there was nothing to clean up. */
  definitionRemoved?: boolean;
  /** Opening the cleanup pull request failed: the owner removes the definition. */
  cleanupFailed?: boolean;
};

function describeExpired(notice: ExpiredNotice): string[] {
  const name = codeSpan(notice.environment);
  const file = codeSpan(notice.file);
  const cleanup =
    notice.cleanupPullRequest !== undefined
      ? `#${notice.cleanupPullRequest} removes its definition ${file}, so the repository says what exists. Merging it destroys nothing more.`
      : notice.definitionRemoved
        ? `Its definition ${file} is already gone from the repository.`
        : notice.cleanupFailed
          ? `envbot could not open the pull request that removes its definition ${file}: remove it with a pull request, so the repository says what exists.`
          : `Its definition ${file} is still in the repository: remove it with a pull request, so the repository says what exists.`;
  return [
    `⏰ ${name} expired at ${formatTimestamp(notice.expiresAt)} and envbot destroyed it.`,
    cleanup,
    `To have ${name} again, merge a pull request that keeps or adds back its definition with a new ${codeSpan("spec.ttl")} or ${codeSpan("spec.expiresAt")}: envbot applies it on merge.`,
  ];
}

/** On the warning issue (which the adapter then closes). */
export function renderExpiredComment(notice: ExpiredNotice): string {
  return describeExpired(notice).join("\n\n");
}

/** When no warning issue was open: an issue of its own, left open for the owner to see. */
export function renderExpiredIssue(notice: ExpiredNotice): IssueText {
  const [first, ...rest] = describeExpired(notice);
  const body = [`${mention(notice.owner)}: ${first}`, ...rest].join("\n\n");
  return { title: expiredIssueTitle(notice.environment), body };
}

export function expiredIssueTitle(environment: string): string {
  return `envbot: environment ${environment} expired and was destroyed`;
}

export function destroyFailedIssueTitle(environment: string): string {
  return `envbot: could not destroy expired environment ${environment}`;
}

export function renderCleanupPullRequest(notice: EnvironmentNotice & { expiresAt: Date }): IssueText & { commitMessage: string } {
  const name = codeSpan(notice.environment);
  const body = [
    `${name} expired at ${formatTimestamp(notice.expiresAt)} and envbot destroyed it. This pull request removes its definition ${codeSpan(notice.file)}, so the repository says what exists.`,
    `Merging it destroys nothing more: the environment is already gone. To keep the definition for later, close this pull request and give it a new ${codeSpan("spec.ttl")} or ${codeSpan("spec.expiresAt")} instead.`,
    `cc ${mention(notice.owner)}`,
  ].join("\n\n");
  const commitMessage = `Remove expired environment ${notice.environment}\n\nenvbot destroyed it at expiry (${formatIsoDate(notice.expiresAt)}).`;
  return { title: `envbot: remove expired environment ${notice.environment}`, body, commitMessage };
}

export function renderDestroyFailedIssue(notice: EnvironmentNotice & { reason: string; details: string }): IssueText {
  const name = codeSpan(notice.environment);
  const head = `${mention(notice.owner)}, the environment ${name} expired, but envbot could not destroy it:`;
  const tail = [
    `envbot retries on every expiry sweep. Until a retry succeeds, the environment's resources still exist (and may still cost money). If the cause needs a person, fix it and the next sweep finishes the destroy.`,
    `Defined in ${codeSpan(notice.file)}.`,
  ];
  // The details are the only long part: they get whatever room the rest leaves.
  const room = ISSUE_BODY_LIMIT - [head, `**${notice.reason}**`, ...tail].join("\n\n").length - 2 * MORE_LINE_ROOM;
  const failure = describeFailureBlocks({ reason: notice.reason, details: notice.details, log: "", detailsMaxChars: Math.max(room, 0), limitName: LIMIT_NAME });
  return { title: destroyFailedIssueTitle(notice.environment), body: fitBody([head, ...failure, ...tail].join("\n\n")) };
}

export function renderDefinitionUnusableIssue(notice: EnvironmentNotice & { problems: string[] }): IssueText {
  const name = codeSpan(notice.environment);
  const file = codeSpan(notice.file);
  const head = [
    `${mention(notice.owner)}, envbot could not use the definition of ${name} in ${file}, so it did nothing to the environment. It fails safe: it never expires, destroys or checks an environment on a definition it cannot read.`,
    `**${formatCount(notice.problems.length, "problem")}:**`,
  ];
  const tail = `Fix ${file} with a pull request: its ${codeSpan("envbot validate")} check shows each problem at its line. envbot acts on ${name} again once the definition is usable.`;
  const room = ISSUE_BODY_LIMIT - [...head, tail].join("\n\n").length - MORE_LINE_ROOM;
  const body = [...head, formatProblems(notice.problems, room), tail].join("\n\n");
  return { title: `envbot: definition of environment ${notice.environment} is unusable`, body: fitBody(body) };
}

/** The first problems in a fence, as many as PROBLEMS_SHOWN and the room allow, then how many more. */
function formatProblems(problems: string[], maxChars: number): string {
  const shown = fitItems(problems.slice(0, PROBLEMS_SHOWN), maxChars - MORE_LINE_ROOM);
  const block = fenceText(shown.join("\n"));
  const more = problems.length - shown.length;
  return more > 0 ? `${block}\n\n…and ${more.toLocaleString("en-US")} more.` : block;
}

/** The last guard: a body GitHub would refuse is cut, saying so (the lists fit long before this). */
function fitBody(body: string): string {
  return cutMarkdown(body, ISSUE_BODY_LIMIT, `✂️ The rest is left out to fit ${LIMIT_NAME}.`);
}

// ---------------------------------------------------------------------------------------------
// Drift

/** Stable for the life of the environment: the adapter finds the open drift issue by it. */
export function driftIssueTitle(environment: string): string {
  return `envbot: drift in environment ${environment}`;
}

/** The hidden first line of a drift issue: which environment, and which drift it describes. */
export function driftMarker(environment: string, fingerprint: string): string {
  // Only characters that cannot end the HTML comment.
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._:+=/-]/g, "_");
  return `<!-- envbot:drift environment=${safe(environment)} fingerprint=${safe(fingerprint)} -->`;
}

const DRIFT_VERB: Record<ResourceAction, string> = {
  create: "appeared outside of Terraform",
  update: "changed",
  delete: "deleted outside of Terraform",
  replace: "changed",
  read: "read",
  forget: "forgotten",
};

const PENDING_VERB: Record<ResourceAction, string> = {
  create: "would be created",
  update: "would change",
  delete: "would be destroyed",
  replace: "would be replaced",
  read: "would be read",
  forget: "would be forgotten (left in the cloud, dropped from the state)",
};

function formatResourceItem(resource: ResourceChange, verbs: Record<ResourceAction, string>): string {
  const attributes = withoutTagBookkeeping(resource.attributes).map((a) => `  - ${codeSpan(formatAttributeChange(a))}`);
  return [`- ${codeSpan(resource.address)} ${verbs[resource.action]}`, ...attributes].join("\n");
}


/** The list, shortened to maxChars with an explicit "…and N more" when it must be. */
function formatResourceList(resources: ResourceChange[], verbs: Record<ResourceAction, string>, maxChars: number, what: string): string {
  const items = resources.map((r) => formatResourceItem(r, verbs));
  const whole = items.join("\n");
  if (whole.length <= maxChars) return whole;
  const kept = fitItems(items, maxChars - MORE_LINE_ROOM);
  const more = `…and ${formatCount(items.length - kept.length, "more resource")} ${what}, left out to fit ${LIMIT_NAME}.`;
  return [...kept, "", more].join("\n");
}

export function renderDriftIssue(report: DriftReport): IssueText {
  const name = codeSpan(report.environment);
  const file = codeSpan(report.file);
  const inCloud = report.cloudDrift.length > 0;
  const intro = inCloud
    ? `${mention(report.owner)}, the environment ${name} no longer matches its last apply: **${formatCount(report.cloudDrift.length, "resource")} changed outside of Terraform**. Defined in ${file}.`
    : `${mention(report.owner)}, the environment ${name} does not match its definition ${file}: **${formatCount(report.pendingInGit.length, "resource")} would change if it were applied**. Nothing changed outside of Terraform.`;
  const pendingIntro =
    report.pendingInGit.length === 0
      ? "None: applying the definition only undoes the drift above."
      : `Applying the definition would ${inCloud ? "also " : ""}do this (${formatCount(report.pendingInGit.length, "resource")}):`;
  const fix = [
    "### How to fix it",
    [
      `- **Make the cloud match Git again by applying it**: comment ${codeSpan("/envbot revert")} here to see the plan, then ${codeSpan("/envbot revert confirm")} to apply it; or run ${codeSpan(`envbot apply ${report.environment}`)} in a checkout of this repository, or merge a pull request that changes ${file} (envbot applies it on merge).${inCloud && report.pendingInGit.length > 0 ? " This also applies the changes in Git above." : ""}`,
      ...(inCloud
        ? [
            "- **Or revert the manual change** in the cloud, by hand.",
            `- If the manual change should stay, comment ${codeSpan("/envbot adopt")}: envbot opens a pull request that writes the drifted values into ${file} where a template variable holds them, and names the rest; or change ${file} (or its template) with a pull request yourself. Merging applies it.`,
          ]
        : [`- If the changes in Git are not wanted, change ${file} (or its template) back with a pull request.`]),
    ].join("\n"),
    "envbot checks for drift on its schedule: it updates this issue when the drift changes and closes it once the drift is gone.",
  ].join("\n\n");

  const inputs = report.inputsChanged?.length
    ? `**Input changed**: ${report.inputsChanged.map((i) => `${codeSpan(i.variable)} takes the output ${codeSpan(i.output)} of ${codeSpan(i.fromEnvironment)}`).join("; ")}, whose value changed since this environment's last apply. Applying it takes the new value.`
    : undefined;
  const assemble = (drift: string, pending: string) =>
    [
      driftMarker(report.environment, report.fingerprint),
      intro,
      ...(inputs ? [inputs] : []),
      "### Changed outside of Terraform",
      drift === "" ? "Nothing." : drift,
      "### Changes in Git not yet applied",
      pending === "" ? pendingIntro : `${pendingIntro}\n\n${pending}`,
      fix,
    ].join("\n\n");

  // Both lists share what the fixed text leaves; the cloud drift (the point of the issue) first.
  const room = ISSUE_BODY_LIMIT - assemble("", "").length;
  const pendingWhole = formatResourceList(report.pendingInGit, PENDING_VERB, Number.POSITIVE_INFINITY, "");
  const drift = formatResourceList(report.cloudDrift, DRIFT_VERB, room - Math.min(pendingWhole.length, Math.floor(room / 3)), "changed outside of Terraform");
  const pending = formatResourceList(report.pendingInGit, PENDING_VERB, room - drift.length, "to change when applied");
  return { title: driftIssueTitle(report.environment), body: fitBody(assemble(drift, pending)) };
}

export function renderDriftResolvedComment(input: { environment: string; at: Date }): string {
  return `✅ The drift is gone as of ${formatTimestamp(input.at)}: ${codeSpan(input.environment)} matches its last apply again. Closing this issue.`;
}
