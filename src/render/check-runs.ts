// Check runs: one for validation (with line annotations), one per environment and phase. Each
// renderer returns the `output` GitHub takes, already within GitHub's limits.
import type { EnvironmentApplyReport, EnvironmentReport, ValidationReport } from "../core/ports/pull-request-report.js";
import { compareDiagnostics, type Diagnostic } from "../core/diagnostics/index.js";
import { environmentCheckName, VALIDATION_CHECK_NAME } from "./check-names.js";
import { formatDiagnostic, formatValidationSummary } from "./diagnostics-text.js";
import {
  describeFailureBlocks,
  ALREADY_DESTROYED_TEXT,
  describeInterrupted,
  describeInvalid,
  describeLock,
  describeLockHolder,
  ATTRIBUTES_PENDING_TEXT,
  describeInputWaits,
  waitedUpstreams,
  describeMergeEffect,
  describeOutputValues,
  describePlanChanges,
  describeTemplateSource,
  describeTooManyEnvironments,
  formatAppliedCounts,
  formatLinkOrCode,
  formatLongText,
} from "./environment-markdown.js";
import {
  ANNOTATION_TITLE_LIMIT,
  ANNOTATIONS_PER_REQUEST,
  CHECK_RUN_SUMMARY_LIMIT,
  CHECK_RUN_TEXT_LIMIT,
  CHECK_TITLE_READABLE_LENGTH,
  type AnnotationLevel,
} from "./github-limits.js";
import { codeSpan, cutMarkdown, fenceText, formatCount, nameLockHolder } from "./markdown.js";
import { formatChangeCounts } from "./plan-text.js";

export { environmentCheckName, VALIDATION_CHECK_NAME };

/** A check run annotation as GitHub's API takes it. */
export interface Annotation {
  /** Relative to the repository root. */
  path: string;
  start_line: number;
  end_line: number;
  /** GitHub accepts columns only when start_line === end_line. */
  start_column?: number;
  end_column?: number;
  annotation_level: AnnotationLevel;
  /** At most ANNOTATION_TITLE_LIMIT characters. */
  title: string;
  message: string;
}

export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled";

export interface CheckOutput {
  status: "completed";
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
}

const LIMIT_NAME = "GitHub's check run size limit";

function truncateTitle(title: string, limit: number): string {
  const line = title.split("\n")[0]!.trim();
  return line.length <= limit ? line : `${line.slice(0, limit - 1)}…`;
}

/** Summary or text cut, with a notice, to the check run limit. */
function fitCheckMarkdown(markdown: string, limit: number): string {
  return cutMarkdown(markdown, limit, `✂️ Cut here to fit ${LIMIT_NAME} (${limit.toLocaleString("en-US")} characters).`);
}

/** Whether the check run text can hold all of this text, so a comment may send readers there. */
export function fitsCheckRunText(text: string): boolean {
  return fenceText(text).length <= CHECK_RUN_TEXT_LIMIT;
}

/** Long text in a fence within the check run text limit, left-out lines counted. */
function formatCheckText(text: string, keep: "head" | "tail"): string {
  if (fitsCheckRunText(text)) return fenceText(text);
  let maxChars = CHECK_RUN_TEXT_LIMIT - 300;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { block } = formatLongText({ text, keep, maxChars, limitName: `${LIMIT_NAME} (${CHECK_RUN_TEXT_LIMIT.toLocaleString("en-US")} characters)` });
    if (block.length <= CHECK_RUN_TEXT_LIMIT) return block;
    maxChars -= block.length - CHECK_RUN_TEXT_LIMIT + 100;
  }
  return fitCheckMarkdown(formatLongText({ text, keep, maxChars, limitName: LIMIT_NAME }).block, CHECK_RUN_TEXT_LIMIT);
}

/** One diagnostic as an annotation; without a usable position it marks line 1 of its file. */
function formatAnnotation(diagnostic: Diagnostic): Annotation {
  const positioned = Number.isInteger(diagnostic.line) && diagnostic.line >= 1;
  const line = positioned ? diagnostic.line : 1;
  const columns = positioned && Number.isInteger(diagnostic.column) && diagnostic.column >= 1;
  return {
    path: diagnostic.file,
    start_line: line,
    end_line: line,
    // A diagnostic is a point: one line, so GitHub accepts its column.
    ...(columns ? { start_column: diagnostic.column, end_column: diagnostic.column } : {}),
    annotation_level: "failure",
    title: truncateTitle(diagnostic.path === "" ? "environment definition" : diagnostic.path, ANNOTATION_TITLE_LIMIT),
    message: diagnostic.message,
  };
}

/** The validation check: every problem as an annotation at its line and column. */
export function renderValidationCheck(validation: ValidationReport): {
  conclusion: "success" | "failure";
  title: string;
  summary: string;
  annotations: Annotation[];
} {
  if (validation.tooMany) {
    const summary = `❌ ${describeTooManyEnvironments(validation.tooMany)}`;
    return { conclusion: "failure", title: `${formatCount(validation.tooMany.count, "environment")}: at most ${validation.tooMany.max} per pull request`, summary, annotations: [] };
  }
  const diagnostics = [...validation.diagnostics].sort(compareDiagnostics);
  const files = validation.files.length;
  const problemsByFile = new Map<string, number>();
  for (const d of diagnostics) problemsByFile.set(d.file, (problemsByFile.get(d.file) ?? 0) + 1);
  const annotations = diagnostics.map(formatAnnotation);

  if (diagnostics.length === 0) {
    const title = files === 0 ? "No environment definitions changed" : `${formatCount(files, "definition")} valid`;
    const list = [...validation.files].sort().map((f) => `- ${codeSpan(f)}: valid`);
    const summary = files === 0 ? "This pull request changes no environment definitions." : [`✅ ${formatValidationSummary({ problems: 0, files, invalidFiles: 0 })}.`, list.join("\n")].join("\n\n");
    return { conclusion: "success", title, summary: fitCheckMarkdown(summary, CHECK_RUN_SUMMARY_LIMIT), annotations };
  }

  const title = `${formatCount(diagnostics.length, "problem")} in ${formatCount(problemsByFile.size, "file")}`;
  const allFiles = [...new Set([...validation.files, ...problemsByFile.keys()])].sort();
  const list = allFiles.map((f) => `- ${codeSpan(f)}: ${problemsByFile.has(f) ? formatCount(problemsByFile.get(f)!, "problem") : "valid"}`);
  const sentence = formatValidationSummary({ problems: diagnostics.length, files, invalidFiles: problemsByFile.size });
  const problems = formatLongText({
    text: diagnostics.map((d) => formatDiagnostic(d)).join("\n"),
    keep: "head",
    maxChars: Math.floor(CHECK_RUN_SUMMARY_LIMIT / 2),
    limitName: LIMIT_NAME,
    whereElse: "every problem is annotated on its line in the files changed",
  });
  const summary = [`❌ ${sentence}.`, list.join("\n"), problems.block].join("\n\n");
  return { conclusion: "failure", title, summary: fitCheckMarkdown(summary, CHECK_RUN_SUMMARY_LIMIT), annotations };
}

/** Annotations in requests GitHub accepts: the first creates the check run, later ones append. */
export function annotationBatches<T>(annotations: T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return batches;
}

function formatPlanTitle(report: Extract<EnvironmentReport, { kind: "planned" }>): string {
  if (!report.summary.hasChanges) return "No changes";
  return report.effect === "destroy" ? `Destroy: ${formatChangeCounts(report.summary)}` : formatChangeCounts(report.summary);
}

function completed(conclusion: CheckConclusion, title: string, summary: string, text?: string): CheckOutput {
  return {
    status: "completed",
    conclusion,
    title: truncateTitle(title, CHECK_TITLE_READABLE_LENGTH),
    summary: fitCheckMarkdown(summary, CHECK_RUN_SUMMARY_LIMIT),
    ...(text !== undefined && text.trim() !== "" ? { text } : {}),
  };
}

/** A failure: the reason as title, details in the summary, the log in the text. */
function renderFailedCheck(report: { reason: string; details: string; log: string }): CheckOutput {
  // Room in the summary for the reason (escaped, so up to twice as long) and the notices.
  const detailsMaxChars = Math.max(CHECK_RUN_SUMMARY_LIMIT - 2 * report.reason.length - 1_000, 0);
  const summary = describeFailureBlocks({ ...report, log: "", detailsMaxChars, limitName: LIMIT_NAME, unfoldDetails: true });
  return completed("failure", report.reason, summary.join("\n\n"), report.log.trim() === "" ? undefined : formatCheckText(report.log, "tail"));
}

/** An environment's plan check run, once its plan is done (or could not be made). */
export function renderEnvironmentCheck(report: EnvironmentReport): CheckOutput {
  switch (report.kind) {
    case "planned": {
      const blocks = [`${describeMergeEffect(report.effect, report.alreadyDestroyed, report.takesOutputsOf)} Defined in ${codeSpan(report.file)}.`, ...(report.takesOutputsOf ? [] : [describeLockHolder(report.lockHolder)])];
      if (report.templateSource === "default-branch") blocks.push(describeTemplateSource());
      blocks.push(...describePlanChanges(report.summary));
      if (report.attributesPending) blocks.push(ATTRIBUTES_PENDING_TEXT);
      const text = report.planText.trim() === "" ? undefined : formatCheckText(report.planText, "head");
      return completed("success", formatPlanTitle(report), blocks.join("\n\n"), text);
    }
    case "locked":
      return completed("neutral", `Locked by ${nameLockHolder(report.heldBy)}`, describeLock(report));
    case "invalid":
      return completed("failure", `${formatCount(report.problems, "problem")} in the definition`, describeInvalid({ ...report, phase: "plan" }));
    case "failed": {
      return renderFailedCheck(report);
    }
    case "superseded":
      return completed("cancelled", "Replaced by a newer push", "A newer push replaced this plan.");
    case "waiting":
      // Neutral, not failed: nothing is wrong, the values exist only after the upstreams apply.
      return completed("neutral", `Waits for ${waitedUpstreams(report.waitsFor).join(", ")}`, `${describeInputWaits(report)} Defined in ${codeSpan(report.file)}.`);
  }
}

/** While an environment's plan or apply runs. */
export function renderEnvironmentCheckInProgress(environment: string, phase: "plan" | "apply" = "plan"): { title: string; summary: string } {
  const doing = phase === "plan" ? "Planning" : "Applying";
  return {
    title: truncateTitle(`${doing} ${environment}`, CHECK_TITLE_READABLE_LENGTH),
    summary: `${doing} ${codeSpan(environment)} with Terraform. This check run shows the result when it is done.`,
  };
}

/** An environment's apply check run, after the merge. */
export function renderApplyCheck(report: EnvironmentApplyReport): CheckOutput {
  switch (report.kind) {
    case "applied": {
      if (report.effect === "destroy") {
        if (report.alreadyDestroyed) return completed("success", "Definition removed", `${codeSpan(report.environment)}: ${ALREADY_DESTROYED_TEXT}`);
        return completed("success", "Destroyed", `${codeSpan(report.environment)} is destroyed: ${formatCount(report.summary.changes.destroy, "resource")} destroyed.`);
      }
      const title = report.summary.hasChanges ? `Applied: ${formatAppliedCounts(report.summary)}` : "Applied: no changes";
      const blocks = [report.summary.hasChanges ? `${formatAppliedCounts(report.summary)}.` : "No changes were needed."];
      if (report.url) blocks.push(`🔗 ${formatLinkOrCode(report.url)}`);
      const outputs = describeOutputValues(report.outputs, report.summary);
      if (outputs) blocks.push(outputs);
      return completed("success", title, blocks.join("\n\n"));
    }
    case "failed": {
      return renderFailedCheck(report);
    }
    case "invalid":
      return completed("failure", `${formatCount(report.problems, "problem")} in the definition`, describeInvalid({ ...report, phase: "apply" }));
    case "interrupted":
      return completed("failure", `Interrupted: envbot stopped while ${report.effect === "destroy" ? "destroying" : "applying"}`, describeInterrupted(report).join("\n\n"));
  }
}
