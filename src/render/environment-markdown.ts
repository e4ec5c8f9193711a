import type { LockHolder } from "../core/ports/index.js";
// The paragraphs that describe one environment, shared by the pull request comments and the
// check runs so both say the same thing in the same words.
import type { InputWait, LifetimeReport, MergeEffect, PullRequestRef } from "../core/ports/pull-request-report.js";
import type { OutputChange, PlanSummary, ResourceChange } from "../core/planning/index.js";
import { VALIDATION_CHECK_NAME } from "./check-names.js";
import { codeSpan, escapeMarkdown, fenceText, foldDetails, formatCount, formatHumanDate, formatLockHolder, formatTimestamp, shortenLines } from "./markdown.js";
import { ACTION_SYMBOL, formatAttribute } from "./plan-text.js";

/** Attribute paths shown after an updated resource; the plan text has them all. */
const ATTRIBUTES_SHOWN = 3;

export function describeMergeEffect(effect: MergeEffect, alreadyDestroyed = false, takesOutputsOf?: readonly string[]): string {
  if (alreadyDestroyed) return "**Already destroyed** (at expiry, or earlier): merging only removes the definition.";
  if (takesOutputsOf?.length) {
    return `**Not applied by this merge**: planned because it takes outputs of ${takesOutputsOf.map((name) => codeSpan(name)).join(", ")}, which this pull request changes (or which take outputs of what it changes). Its next apply takes the new values; the drift check reports them until then.`;
  }
  return effect === "destroy" ? "**Merging destroys this environment.**" : "**Merging applies this plan.**";
}

/** Why an environment was not planned yet: the outputs it waits for, and what the merge does. */
export function describeInputWaits(report: { environment: string; waitsFor: readonly InputWait[]; takesOutputsOf?: readonly string[] }): string {
  const lines = report.waitsFor.map(({ variable, fromEnvironment, output, why }) => {
    const taken = `${codeSpan(variable)} takes the output ${codeSpan(output)} of ${codeSpan(fromEnvironment)}`;
    return why === "known-after-apply"
      ? `- ${taken}, which ${codeSpan(fromEnvironment)}'s plan knows only after it is applied (or which is sensitive: passed only from an apply).`
      : `- ${taken}, which this pull request changes but did not plan yet: its plan failed, or it waits for outputs itself.`;
  });
  const upstreams = waitedUpstreams(report.waitsFor).map(codeSpan).join(", ");
  const merge = report.takesOutputsOf?.length
    ? `Not applied by this merge: once ${upstreams} is applied, its next plan (or the drift check) takes the new values.`
    : `Merging applies ${upstreams} first, then plans and applies ${codeSpan(report.environment)} with the values.`;
  return [`⏳ ${codeSpan(report.environment)} is planned once its inputs are known:`, lines.join("\n"), merge].join("\n\n");
}

/** The environments whose outputs a waiting environment waits for, each once. */
export function waitedUpstreams(waitsFor: readonly InputWait[]): string[] {
  return [...new Set(waitsFor.map((w) => w.fromEnvironment))];
}

/** A plan shown before what its changes set is read (EnvironmentReport.attributesPending). */
export const ATTRIBUTES_PENDING_TEXT =
  "⏳ **Reading what each change sets**: Terraform planned this; the attributes of each change (and the price) come from the saved plan with the providers' schemas, which takes a few seconds more. This is updated when they are in.";

/** After the merge of a removed definition whose environment was gone already. */
export const ALREADY_DESTROYED_TEXT = "It had been destroyed already (at expiry, or earlier); the merge removed its definition.";

/** Who holds the environment's lock: normally the pull request being planned; none for an untrusted one. */
export function describeLockHolder(holder: LockHolder | undefined, pullRequest?: PullRequestRef): string {
  if (holder === undefined) {
    return "🔓 This pull request does not lock the environment: it comes from a fork or from an author without write access, so it cannot hold the environment against other pull requests.";
  }
  if (pullRequest && holder.kind === "pull-request" && holder.number === pullRequest.number) {
    return "🔒 This pull request holds the environment's lock until it is merged or closed.";
  }
  return `🔒 The environment's lock is held by ${formatLockHolder(holder)}.`;
}

/** The trust model in one sentence: why the plan may not include the PR's own template changes. */
export function describeTemplateSource(pullRequest?: PullRequestRef): string {
  const branch = pullRequest ? ` (${codeSpan(pullRequest.defaultBranch)})` : "";
  const why = !pullRequest
    ? "this pull request comes from a fork or from an author without write access"
    : pullRequest.headRepository !== pullRequest.repository
      ? "this pull request comes from a fork"
      : `its author has no write access to ${codeSpan(pullRequest.repository)}`;
  return `The template code comes from the default branch${branch}, because ${why}: template changes in this pull request are not part of this plan.`;
}

/** A pull request over the policy's limit of environments: it is asked to split, nothing is planned. */
export function describeTooManyEnvironments(input: { count: number; max: number }): string {
  return (
    `This pull request changes ${formatCount(input.count, "environment")}; at most ${input.max} are planned and applied per pull request ` +
    `(${codeSpan("limits.maxEnvironmentsPerPullRequest")} in ${codeSpan(".github/envbot.yml")} of the default branch). ` +
    "Split it into smaller pull requests: nothing in this one was checked or planned, and merging it applies nothing."
  );
}

/** A pull request into another branch than the default one: merging it applies nothing. */
export function describeNotDefaultBranch(pullRequest: Pick<PullRequestRef, "baseRef" | "defaultBranch">): string {
  return (
    `This pull request merges into ${codeSpan(pullRequest.baseRef)}, not the default branch ${codeSpan(pullRequest.defaultBranch)}: ` +
    `envbot applies only what is merged into ${codeSpan(pullRequest.defaultBranch)}, with that branch's policy.`
  );
}

/** The polite, precise explanation for an environment another holder has locked. */
export function describeLock(input: { environment: string; heldBy: LockHolder; since: Date }): string {
  const { environment, heldBy, since } = input;
  const holder = formatLockHolder(heldBy);
  const name = codeSpan(environment);
  const first = `${name} is locked by ${holder} since ${formatTimestamp(since)}: it is planned and applied by ${holder} first, so it was not planned here.`;
  const replan = `comment ${codeSpan(`/envbot plan ${environment}`)} on this pull request to plan it`;
  if (heldBy.kind !== "pull-request") return `${first} Once the lock is released, ${replan}.`;
  return `${first} Once ${holder} is merged or closed, ${replan}. If ${holder} no longer needs ${name}, comment ${codeSpan(`/envbot unlock ${environment}`)} on ${holder} to release it.`;
}

export function describeInvalid(input: { file?: string; problems: number; phase: "plan" | "apply" }): string {
  const where = input.file ? ` in ${codeSpan(input.file)}` : "";
  const consequence = input.phase === "plan" ? "Nothing was planned." : "Nothing was applied.";
  return `${formatCount(input.problems, "problem")}${where}, see the ${codeSpan(VALIDATION_CHECK_NAME)} check run. ${consequence}`;
}

/** "1 added, 0 changed, 0 destroyed": the counts after an apply. */
/** A merge's apply or destroy that a stopped envbot process interrupted: what happened, what to do. */
export function describeInterrupted(input: { environment: string; effect: MergeEffect; reason: string; repository: string }): string[] {
  const name = codeSpan(input.environment);
  const doing = input.effect === "destroy" ? "destroying" : "applying";
  const next =
    input.effect === "destroy"
      ? `**What to do:** to finish the destroy, whoever runs envbot can run ${codeSpan(`envbot destroy ${input.environment} --github ${input.repository}`)} on its machine (with a checkout from before the merge); or restore the definition in a pull request and remove it again.`
      : `**What to do:** open a pull request that changes the definition of ${name} (any change): its plan shows what is left to do, and merging it finishes the apply. To remove what was created instead, open one that deletes the definition.`;
  return [
    `The envbot process stopped (a crash, a kill or a restart) while Terraform was ${doing} ${name}, so the environment may be partly changed. envbot marked it failed; its expiry still covers whatever was created.`,
    input.reason.replace(/^interrupted: /, "Run record: "),
    next,
  ];
}

export function formatAppliedCounts(summary: PlanSummary): string {
  const { add, change, destroy } = summary.changes;
  return `${add} added, ${change} changed, ${destroy} destroyed`;
}

function formatResourceLine(resource: ResourceChange): string {
  const line = `${ACTION_SYMBOL[resource.action].padEnd(3)} ${resource.address}`;
  if (resource.action !== "update" || resource.attributes.length === 0) return line;
  const paths = resource.attributes.slice(0, ATTRIBUTES_SHOWN).map((a) => a.path);
  const more = resource.attributes.length > ATTRIBUTES_SHOWN ? `, +${resource.attributes.length - ATTRIBUTES_SHOWN}` : "";
  return `${line} (${paths.join(", ")}${more})`;
}

/** The resources with Terraform's symbols in a diff block, which GitHub colours +green -red. */
export function formatResourceBlock(resources: ResourceChange[]): string {
  return fenceText(resources.map(formatResourceLine).join("\n"), "diff");
}

function formatOutputChange(output: OutputChange): string {
  return `${codeSpan(output.name)} (${output.action}${output.sensitive ? ", sensitive" : ""})`;
}

/** Resources, outputs and drift of a plan, as markdown blocks. */
export function describePlanChanges(summary: PlanSummary): string[] {
  const blocks: string[] = [];
  if (summary.resources.length > 0) blocks.push(formatResourceBlock(summary.resources));
  // What each create sets, folded: a reviewer opens the ones that matter.
  for (const resource of summary.resources) {
    if (resource.action !== "create" || resource.attributes.length === 0) continue;
    const lines = resource.attributes.map((a) => formatAttribute(resource, a)).join("\n");
    blocks.push(foldDetails(`${codeSpan(resource.address)}: what it sets (${formatCount(resource.attributes.length, "attribute")})`, fenceText(lines, "hcl")));
  }
  if (summary.outputs.length > 0) blocks.push(`**Outputs:** ${summary.outputs.map(formatOutputChange).join(", ")}`);
  if (summary.drift.length > 0) {
    blocks.push(`**Changed outside of Terraform** since the last apply (${formatCount(summary.drift.length, "resource")}):\n\n${formatResourceBlock(summary.drift)}`);
  }
  return blocks;
}

/**
 * Long text (a plan, a log) in a fence, shortened to maxChars when given: the kept lines, then a
 * line saying how many were left out and where to read on.
 */
export function formatLongText(input: { text: string; keep: "head" | "tail"; maxChars?: number; limitName: string; whereElse?: string }): {
  block: string;
  omitted: number;
  total: number;
} {
  const { text, keep, maxChars, whereElse, limitName } = input;
  const shortened = maxChars === undefined ? shortenLines(text, Number.POSITIVE_INFINITY, keep) : shortenLines(text, maxChars, keep);
  if (shortened.omitted === 0) return { block: fenceText(text), omitted: 0, total: shortened.total };
  const which = keep === "head" ? "last" : "first";
  const where = whereElse ? `; ${whereElse}` : "";
  const notice = `✂️ The ${which} ${formatCount(shortened.omitted, "line")} of ${shortened.total.toLocaleString("en-US")} are left out here to fit ${limitName}${where}.`;
  const block = shortened.text === "" ? notice : `${fenceText(shortened.text)}\n\n${notice}`;
  return { block, omitted: shortened.omitted, total: shortened.total };
}

/** A failure as Atlantis shows one: the reason stands out, the evidence is folded. */
export function describeFailureBlocks(input: {
  reason: string;
  details: string;
  log: string;
  detailsMaxChars?: number;
  logMaxChars?: number;
  limitName: string;
  whereElse?: string;
  /** Check runs have room: the details are shown, not folded. */
  unfoldDetails?: boolean;
}): string[] {
  const blocks = [`**${escapeMarkdown(input.reason)}**`];
  if (input.details.trim() !== "") {
    const details = formatLongText({ text: input.details, keep: "head", maxChars: input.detailsMaxChars, whereElse: input.whereElse, limitName: input.limitName });
    blocks.push(input.unfoldDetails ? details.block : foldDetails("Details", details.block));
  }
  if (input.log.trim() !== "") {
    const log = formatLongText({ text: input.log, keep: "tail", maxChars: input.logMaxChars, whereElse: input.whereElse, limitName: input.limitName });
    blocks.push(foldDetails("Terraform output (last lines)", log.block));
  }
  return blocks;
}

/** Longer output values are cut: the comment is a summary, `terraform output` has the rest. */
const OUTPUT_VALUE_SHOWN = 500;

/** A link when the text is a plain http(s) URL, else literal text. */
export function formatLinkOrCode(text: string): string {
  return /^https?:\/\/[^\s<>`]+$/.test(text) ? `<${text}>` : codeSpan(text);
}

function formatOutputValue(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  if (text.length <= OUTPUT_VALUE_SHOWN) return formatLinkOrCode(text);
  return `${codeSpan(text.slice(0, OUTPUT_VALUE_SHOWN))} (${formatCount(text.length - OUTPUT_VALUE_SHOWN, "more character")} not shown)`;
}

/** The AppliedPlan form of an output, { value, sensitive }, rather than a bare value. */
function isOutputRecord(value: unknown): value is { value: unknown; sensitive: boolean } {
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value).sort();
  return keys.length === 2 && keys[0] === "sensitive" && keys[1] === "value" && typeof (value as { sensitive: unknown }).sensitive === "boolean";
}

/** Output values after an apply; a sensitive one is named but never shown. */
export function describeOutputValues(outputs: Record<string, unknown>, summary: PlanSummary): string | undefined {
  const sensitiveInPlan = new Set(summary.outputs.filter((o) => o.sensitive).map((o) => o.name));
  const lines = Object.entries(outputs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, raw]) => {
      const sensitive = sensitiveInPlan.has(name) || (isOutputRecord(raw) && raw.sensitive);
      if (sensitive) return `- ${codeSpan(name)}: (sensitive, not shown)`;
      return `- ${codeSpan(name)}: ${formatOutputValue(isOutputRecord(raw) ? raw.value : raw)}`;
    });
  return lines.length > 0 ? `**Outputs:**\n${lines.join("\n")}` : undefined;
}

/**
 * How long the environment lives once applied, and whether that is the repository's default: a
 * definition without ttl is told so here, not when it expires.
 */
export function describeLifetime(lifetime: LifetimeReport): string {
  const until = (at: Date | undefined) => (at ? `, until ${formatHumanDate(at)}` : "");
  switch (lifetime.kind) {
    case "ttl":
      return lifetime.defaulted
        ? `**Lifetime: ${lifetime.ttl}** from its first apply${until(lifetime.expiresAt)}: the repository's default (${codeSpan("limits.defaultTtl")} in ${codeSpan(".github/envbot.yml")}), since the definition names no ${codeSpan("spec.ttl")} or ${codeSpan("spec.expiresAt")}. Name one to choose, or mark it ${codeSpan("protected")} to keep it.`
        : `Lifetime: ${codeSpan(lifetime.ttl)} from its first apply${until(lifetime.expiresAt)}.`;
    case "expiresAt":
      return `Lifetime: until ${formatHumanDate(lifetime.expiresAt)}.`;
    case "unlimited":
      return "Lifetime: long-lived (no ttl or expiresAt); it stays until its definition is removed.";
  }
}
