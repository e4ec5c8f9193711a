import type { PullRequestPolicyReport } from "./policy-report.js";
import type {
  EnvironmentApplyReport,
  EnvironmentReport,
  MergeEffect,
  PullRequestApplyReport,
  PullRequestPlanReport,
  ValidationReport,
} from "./pull-request-report.js";

/** Where a pull request's progress and results are published (check runs, the comment, deployments). */
export interface PullRequestReporter {
  validationChecked(report: ValidationReport): Promise<void>;
  /** The repository policy's verdict on the pull request (a check run branch protection can require). */
  policyChecked(report: PullRequestPolicyReport): Promise<void>;
  /** A merge the policy did not allow (its protection was bypassed): nothing is applied, and the pull request is told why. */
  mergeRefusedByPolicy(report: PullRequestPolicyReport): Promise<void>;
  planStarted(environment: string): Promise<void>;
  environmentPlanned(report: EnvironmentReport): Promise<void>;
  /**
   * The first plan of a run whose attributes take one more Terraform process, as soon as Terraform
   * made it, its attributes still being read (the last of `report.environments`,
   * attributesPending), with those planned before it: shown at once, replaced by
   * environmentPlanned and planReported when its plan is done.
   */
  planPreviewed(report: PullRequestPlanReport): Promise<void>;
  planReported(report: PullRequestPlanReport): Promise<void>;
  /** `/envbot plan NAME` named no environment of the pull request: says which there are. */
  environmentNotInPullRequest(input: { environment: string; environments: string[] }): Promise<void>;
  applyStarted(environment: string, effect: MergeEffect): Promise<void>;
  environmentApplied(report: EnvironmentApplyReport): Promise<void>;
  applyReported(report: PullRequestApplyReport): Promise<void>;
}
