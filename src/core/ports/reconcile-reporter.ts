// Reconciler: where the owners of environments hear about expiry and drift.

import type { ResourceChange } from "../planning/plan-summary.js";

export interface EnvironmentNotice {
  repository: string;
  environment: string;
  /** The definition's path in the repository. */
  file: string;
  /** "@user" or "@org/team". */
  owner: string;
}

export interface DriftReport extends EnvironmentNotice {
  /** Changed outside of Terraform since the last apply (all of the plan's drift), with attributes. */
  cloudDrift: ResourceChange[];
  /** What applying the definition in Git would change beyond undoing that drift. */
  pendingInGit: ResourceChange[];
  /** Equal for equal drift: an issue is only edited when this changes. */
  fingerprint: string;
  /** Variables taken from other environments' outputs whose values changed since its last apply (an upstream applied again). */
  inputsChanged?: { variable: string; fromEnvironment: string; output: string }[];
}

export interface ReconcileReporter {
  /** Once per expiry: the environment expires at `expiresAt`; how to extend it. */
  expiryWarning(notice: EnvironmentNotice & { expiresAt: Date; dependents?: readonly string[] }): Promise<void>;
  /** It expired and was destroyed; opens the cleanup pull request when asked; returns its number. */
  expired(notice: EnvironmentNotice & { expiresAt: Date; cleanupPullRequest: boolean }): Promise<{ cleanupPullRequest?: number }>;
  /** Destroying an expired environment failed; it is retried on the next sweep. */
  destroyFailed(notice: EnvironmentNotice & { reason: string; details: string }): Promise<void>;
  /** The definition could not be read or validated, so nothing was done (fail safe). */
  definitionUnusable(notice: EnvironmentNotice & { problems: string[] }): Promise<void>;
  /** Reports the drift (opens the environment's drift issue, or updates it); says where, for the sweep's log. */
  driftFound(report: DriftReport): Promise<{ where?: string }>;
  /** The drift reported earlier is gone: closes what driftFound opened. */
  driftResolved(notice: EnvironmentNotice): Promise<void>;
}
