import type { PolicyFinding, PullRequestPolicyReport } from "../core/policy/index.js";
import { annotationBatches } from "./check-runs.js";
import { codeSpan, formatCount } from "./markdown.js";

export { annotationBatches };

/** The check run branch protection can require: it passes only when the policy is met. */
export const POLICY_CHECK_NAME = "envbot policy";

export interface PolicyCheck {
  conclusion: "success" | "failure";
  title: string;
  summary: string;
  annotations: { path: string; start_line: number; end_line: number; start_column?: number; end_column?: number; annotation_level: "failure"; title: string; message: string }[];
}

/** The policy's verdict on a pull request: what blocks it, in plain words, at the lines concerned. */
export function renderPolicyCheck(report: PullRequestPolicyReport): PolicyCheck {
  const unmet = report.findings.filter((f) => !f.met);
  const met = report.findings.filter((f) => f.met);
  if (report.findings.length === 0) {
    return { conclusion: "success", title: "No policy rule applies", summary: "No rule of the repository's policy (`.github/envbot.yml`) applies to the changes of this pull request.", annotations: [] };
  }
  const lines = (findings: PolicyFinding[], mark: string) => findings.map((f) => `- ${mark} ${f.environment ? `${codeSpan(f.environment)}: ` : ""}${f.message}`);
  if (unmet.length === 0) {
    return { conclusion: "success", title: "The policy is met", summary: ["✅ Every rule of the repository's policy that applies is met:", ...lines(met, "✅")].join("\n"), annotations: [] };
  }
  const approvals = unmet.filter((f) => f.kind === "approval" || f.kind === "protected").length;
  const broken = unmet.length - approvals;
  const title = [broken > 0 ? `${formatCount(broken, "rule")} broken` : "", approvals > 0 ? `${formatCount(approvals, "approval")} missing` : ""].filter(Boolean).join(", ");
  const summary = [
    `❌ This pull request cannot be merged under the repository's policy (${codeSpan(".github/envbot.yml")} on the default branch) yet:`,
    ...lines(unmet, "❌"),
    ...(met.length > 0 ? ["", "Met so far:", ...lines(met, "✅")] : []),
    "",
    approvals > 0 ? "This check turns green when the approvals arrive." : "Change the pull request to follow the policy, or ask who maintains it.",
  ].join("\n");
  return {
    conclusion: "failure",
    title,
    summary,
    annotations: unmet.map((f) => ({ path: f.file, start_line: f.line, end_line: f.line, start_column: f.column, end_column: f.column, annotation_level: "failure" as const, title: f.rule.slice(0, 255), message: f.message })),
  };
}

/** After a merge the policy did not allow (branch protection bypassed): why nothing was applied. */
export function renderMergeRefusedByPolicy(report: PullRequestPolicyReport): string {
  return [
    "### ⛔ envbot did not apply this merge",
    "",
    "The repository's policy (`.github/envbot.yml` on the default branch) was not met when it was merged:",
    "",
    ...report.findings.filter((f) => !f.met).map((f) => `- ${f.environment ? `${codeSpan(f.environment)}: ` : ""}${f.message}`),
    "",
    "Nothing was created, changed or destroyed. Revert the merge, or open a pull request that meets the policy; its merge is applied as usual.",
  ].join("\n");
}
