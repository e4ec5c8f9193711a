import type { Diagnostic } from "../diagnostics/index.js";
import type { PlanSummary } from "../planning/index.js";

/** A pull request as the orchestration sees it. */
export interface PullRequestRef {
  /** "owner/name" of the base repository. */
  repository: string;
  number: number;
  headSha: string;
  baseSha: string;
  /** "owner/name" of the head repository: different for a fork. */
  headRepository: string;
  author: string;
  defaultBranch: string;
}

/** What happens to an environment when its pull request is merged. */
export type MergeEffect = "apply" | "destroy";

/** One environment's part of the pull request comment and its check run. */
export type EnvironmentReport =
  | {
      kind: "planned";
      environment: string;
      file: string;
      effect: MergeEffect;
      summary: PlanSummary;
      /** The plan as Terraform described it (redacted). */
      planText: string;
      /** Where the template code came from, per the trust model. */
      templateSource: "head" | "default-branch";
      lockHolder: string;
    }
  | { kind: "locked"; environment: string; file: string; heldBy: string; since: Date }
  | { kind: "invalid"; environment: string; file: string; problems: number }
  /** Expected and actionable: an HCL error, a missing secret, a state lock. */
  | { kind: "failed"; environment: string; file: string; effect: MergeEffect; reason: string; details: string; log: string }
  | { kind: "superseded"; environment: string; file: string };

/** The result of applying a merged pull request, per environment. */
export type EnvironmentApplyReport =
  | { kind: "applied"; environment: string; effect: MergeEffect; summary: PlanSummary; outputs: Record<string, unknown>; url?: string }
  | { kind: "failed"; environment: string; effect: MergeEffect; reason: string; details: string; log: string }
  | { kind: "invalid"; environment: string; problems: number };

export interface ValidationReport {
  /** The definition files of the pull request that were checked. */
  files: string[];
  diagnostics: Diagnostic[];
}

/** Everything the pull request comment says after a plan. */
export interface PullRequestPlanReport {
  pullRequest: PullRequestRef;
  validation: ValidationReport;
  environments: EnvironmentReport[];
}

/** Everything the pull request comment says after the merge. */
export interface PullRequestApplyReport {
  pullRequest: PullRequestRef;
  mergeSha: string;
  environments: EnvironmentApplyReport[];
}
