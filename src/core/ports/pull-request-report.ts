import type { LockHolder } from "../locking/lock-holder.js";
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
  /** The branch the pull request merges into; only merges into the default branch are applied. */
  baseRef: string;
  defaultBranch: string;
}

/**
 * Where an environment's template code came from, per the trust model: the pull request's head
 * (same repository, author may write), the default branch (a fork or a reader), or the base
 * commit (a removed definition is destroyed with the template it was applied with).
 */
export type TemplateSource = "head" | "default-branch" | "base";

/** An environment's lifetime as a plan shows it; `expiresAt` when the plan could tell (an apply now would end then). */
export type LifetimeReport =
  | { kind: "ttl"; ttl: string; defaulted: boolean; expiresAt?: Date }
  | { kind: "expiresAt"; expiresAt: Date }
  | { kind: "unlimited" };

/** An environment's schedule as a plan shows it: awake when, asleep how long a week, and how it sleeps. */
export interface HibernationReport {
  /** "awake mon-fri 08:00-19:00 (Europe/Berlin)" */
  schedule: string;
  asleepHoursPerWeek: number;
  /** destroyed: nothing runs (and costs) while asleep; sleep-values: applied with the template's sleep values. */
  form: "destroyed" | "sleep-values";
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
      templateSource: TemplateSource;
      /** Set when the pull request holds the environment's lock; untrusted ones never take it. */
      lockHolder?: LockHolder;
      /** A removed definition whose environment is gone already (destroyed at expiry): merging only removes the file. */
      alreadyDestroyed?: boolean;
      /** How long it lives once applied (for an apply): as defined, or the repository's default ttl. */
      lifetime?: LifetimeReport;
      /** When it sleeps, once applied (for an apply with a schedule). */
      hibernation?: HibernationReport;
      /**
       * Not changed by the pull request: planned because it takes outputs of these, which it
       * changes (directly or through others). The merge does not apply it.
       */
      takesOutputsOf?: string[];
      /**
       * A preview: Terraform planned it, and what creates set and updates change is still being
       * read (one more Terraform process); the report that follows has them.
       */
      attributesPending?: boolean;
    }
  | { kind: "locked"; environment: string; file: string; heldBy: LockHolder; since: Date }
  | { kind: "invalid"; environment: string; file: string; problems: number }
  /** Expected and actionable: an HCL error, a missing secret, a state lock. */
  | { kind: "failed"; environment: string; file: string; effect: MergeEffect; reason: string; details: string; log: string }
  | { kind: "superseded"; environment: string; file: string }
  /**
   * Not planned yet: it takes outputs of environments this pull request changes that no plan can
   * give now (known only after apply, or their plan did not succeed). The merge applies them
   * first, then plans and applies it with their values.
   */
  | { kind: "waiting"; environment: string; file: string; waitsFor: InputWait[]; takesOutputsOf?: string[] };

/** A variable whose value comes only once `fromEnvironment` is applied, and why. */
export interface InputWait {
  variable: string;
  fromEnvironment: string;
  output: string;
  /** Its plan knows the value only after apply (or it is sensitive: passed only from an apply), or its plan did not succeed. */
  why: "known-after-apply" | "upstream-not-planned";
}

/** The result of applying a merged pull request, per environment. */
export type EnvironmentApplyReport =
  | { kind: "applied"; environment: string; effect: MergeEffect; summary: PlanSummary; outputs: Record<string, unknown>; url?: string; alreadyDestroyed?: boolean }
  | { kind: "failed"; environment: string; effect: MergeEffect; reason: string; details: string; log: string }
  | { kind: "invalid"; environment: string; problems: number }
  /** The envbot process stopped while Terraform applied it (a crash, a kill): it may be partly changed. */
  | { kind: "interrupted"; environment: string; effect: MergeEffect; reason: string; repository: string };

export interface ValidationReport {
  /** The definition files of the pull request that were checked. */
  files: string[];
  diagnostics: Diagnostic[];
  /** The pull request changes more environments than the policy allows: nothing is checked or planned. */
  tooMany?: { count: number; max: number };
}

/** Everything the pull request comment says after a plan. */
export interface PullRequestPlanReport {
  pullRequest: PullRequestRef;
  validation: ValidationReport;
  environments: EnvironmentReport[];
  /** A report before every environment is planned: those still to plan (a preview's). */
  stillPlanning?: string[];
}

/** Everything the pull request comment says after the merge. */
export interface PullRequestApplyReport {
  pullRequest: PullRequestRef;
  mergeSha: string;
  environments: EnvironmentApplyReport[];
  /** Why nothing was applied: merged into another branch than the default one, or too large. */
  notApplied?: { kind: "not-default-branch" } | { kind: "too-many-environments"; count: number; max: number };
}
