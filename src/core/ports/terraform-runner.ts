// Terraform: synthesis of the root module and the terraform/tofu CLI, behind one port.

import type { ResolvedConfig } from "../config/repository-config.js";
import type { Environment } from "../environment/environment.js";
import type { InventoryResource } from "../inventory/index.js";
import type { PlanMode, PlanSummary } from "../planning/plan-summary.js";
import type { Redact } from "../secrets/redactor.js";
import type { RepoFiles } from "./repo-files.js";

export interface RootModuleRequest {
  /** "owner/name", or a local checkout's absolute path: keys the working directory and the state. */
  repository: string;
  environment: Environment;
  /** The template's defaults merged with spec.variables. */
  variables: Record<string, unknown>;
  /**
   * Template variables whose values are sensitive outputs of other environments: not in
   * `variables`, they come as TF_VAR_ secrets under sensitiveInputVariable(name), JSON.
   */
  sensitiveInputs?: readonly string[];
  /** The standard envbot:* tags. */
  tags: Record<string, string>;
  state: ResolvedConfig["state"];
  /** Where the template's files are read from (the trust model picks the revision). */
  templateFiles: RepoFiles;
}

export interface TerraformRunOptions {
  /** Values of the template's secrets: given to Terraform as TF_VAR_ variables, never in a file. */
  secrets: Readonly<Record<string, string>>;
  /** The run's own cloud credentials (core/credentials): given, the server's are withheld from Terraform. */
  cloudEnv?: Readonly<Record<string, string>>;
  redact: Redact;
  signal?: AbortSignal;
  /** Each line of Terraform's output as it comes, redacted: progress for long runs. */
  onOutput?: (line: string) => void;
  /**
   * A plan whose details take one more Terraform process (what creates set and updates change,
   * read from the saved plan with the providers' schemas, seconds for a cloud provider): its
   * summary as soon as `terraform plan` ended, without them (and without a price). Awaited.
   */
  onPreview?: (preview: PlanPreview) => Promise<void>;
}

/** What a plan changes, before the attributes of each change are read. */
export interface PlanPreview {
  summary: PlanSummary;
  /** `terraform plan`'s own description, redacted. */
  text: string;
}

/** A plan saved by Terraform, ready to be applied exactly as reviewed. */
export interface SavedPlan {
  summary: PlanSummary;
  /** `terraform show` of the plan, redacted. */
  text: string;
  /** The adapter's reference to the saved plan file. */
  handle: string;
  /** The tail of the run's output, redacted. */
  log: string;
}

export interface AppliedPlan {
  /** Every output; a sensitive one without its value (see sensitiveOutputs). */
  outputs: Record<string, { value: unknown; sensitive: boolean }>;
  /** The values of the sensitive outputs, apart: only the store's SensitiveValueRecords keeps them, for the environments that take them. */
  sensitiveOutputs: Record<string, unknown>;
  /** The resources the state holds after the apply (none after a destroy). */
  inventory: InventoryResource[];
  log: string;
}

/**
 * Which changes made outside Terraform a plan's summary lists: "relevant" (Terraform's own plan
 * output) only those that matter to the planned changes; "all" every one, as a refresh-only plan
 * would list them, so one normal plan serves a drift check.
 */
export type DriftDetail = "relevant" | "all";

export interface PlanRequest extends RootModuleRequest {
  mode: PlanMode;
  /** Default "relevant". */
  driftDetail?: DriftDetail;
}

export interface TerraformRunner {
  /** Synthesizes the root module, initializes and plans. Throws a TerraformError on failure. */
  plan(request: PlanRequest, options: TerraformRunOptions): Promise<SavedPlan>;
  /** Applies a saved plan. Throws a TerraformError on failure. */
  apply(plan: SavedPlan, options: TerraformRunOptions): Promise<AppliedPlan>;
  /**
   * Releases the state lock a stopped Terraform process left on the environment's state. Only
   * with the environment's lease held: then no Terraform of envbot's can be holding it.
   */
  releaseAbandonedStateLock(repository: string, environment: string): Promise<StateLockCleanup>;
}

/** What became of the state lock a stopped run may have left. */
export type StateLockCleanup =
  | { kind: "released"; lockId: string }
  | { kind: "none" }
  /** The backend keeps its lock where envbot cannot safely tell it was ours: what to run. */
  | { kind: "manual"; howTo: string };
