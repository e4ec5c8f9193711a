import type { HourlyPrice } from "./hourly-price.js";
/** What a plan would do, in the one shape every renderer (CLI, PR comment, issue) reads. */
export interface PlanSummary {
  environment: string;
  mode: PlanMode;
  /** Counted as Terraform counts them: a replacement is one add and one destroy. */
  changes: { add: number; change: number; destroy: number; replace: number };
  hasChanges: boolean;
  /** Resources the plan touches (no-ops left out), in Terraform's order. */
  resources: ResourceChange[];
  outputs: OutputChange[];
  /** Objects that changed outside of Terraform since the last apply (resource_drift). */
  drift: ResourceChange[];
  terraformVersion?: string;
  /** Each resource of the planned configuration and what it depends on (configuration addresses). */
  dependencies?: Record<string, string[]>;
  /** What the environment costs per hour as planned (set by the engine; see hourly-price.ts). */
  cost?: HourlyPrice;
  /** The value of each output the plan knows (not sensitive, not known only after apply), changed or not. */
  plannedOutputs?: Record<string, unknown>;
  /** The values its variables took from other environments' outputs (set by the engine; an apply's run keeps them, for drift). */
  inputs?: Record<string, unknown>;
}

/** A drift check is a normal plan that lists all of its drift (DriftDetail "all"), not a mode of its own. */
export type PlanMode = "normal" | "destroy";
export type ResourceAction = "create" | "update" | "delete" | "replace" | "read" | "forget";

export interface ResourceChange {
  address: string;
  action: ResourceAction;
  /** Attributes that differ, with values; sensitive values are never included. */
  attributes: AttributeChange[];
}

export interface AttributeChange {
  path: string;
  before?: string;
  after?: string;
  sensitive?: boolean;
  /** Known only after apply. */
  unknown?: boolean;
  /** Of a drifted attribute: the template variables its configuration reads (adopting drift). */
  source?: AttributeSource;
}

/**
 * Where a drifted attribute's configured value comes from: its expression reads `variables`;
 * `within` is the drifted value's place inside that expression's value (a map key, say), and
 * before/after the drifted value itself, whole (the attribute's before/after are for reading).
 */
export interface AttributeSource {
  variables: string[];
  within: (string | number)[];
  before: unknown;
  after: unknown;
}

export interface OutputChange {
  name: string;
  action: ResourceAction;
  sensitive: boolean;
}

/** A drifted value written into the definition: `variables.<variable>.<path>` becomes `to`. */
export interface AdoptedValue {
  variable: string;
  path: (string | number)[];
  from: unknown;
  to: unknown;
  /** The drifted resource and attribute it comes from. */
  address: string;
  attribute: string;
}

/** A drifted attribute no variable of the definition controls, and why. */
export interface NotAdopted {
  address: string;
  attribute: string;
  why: string;
}
