import type { ResolvedConfig } from "../config/repository-config.js";
import type { EngineDeps } from "../engine/index.js";
import type { JobQueue, ReconcileReporter, RepoFiles } from "../ports/index.js";

export type SweepKind = "expiry" | "drift" | "orphans";

/** What a sweep decided (and, unless it was a dry run, did) for one environment. */
export interface SweepEntry {
  environment: string;
  action:
    | "none"
    | "warn"
    | "destroy"
    /** Expired, but this sweep reached its destroy limit: next sweep. */
    | "deferred"
    /** Expired, but protected: never destroyed by the reconciler. */
    | "keep-protected"
    /** Expired, but live environments take its outputs: kept until they are gone (detail names them). */
    | "keep-dependents"
    /** The definition is missing or invalid: nothing done, reported. */
    | "unusable"
    | "drift"
    | "drift-resolved"
    | "in-sync"
    /** A drift check handed to a job of its own (scale-out: any worker runs it). */
    | "check"
    /** Resources tagged for it are in no state: reported, never deleted. */
    | "orphans"
    /** What an earlier orphan sweep reported is gone. */
    | "orphans-resolved"
    /** Outside its awake hours: put to sleep (hibernation). */
    | "sleep"
    | "wake"
    /** Due to sleep or wake, but not now (a pull request holds its lock, an operation runs, the destroy limit): next sweep. */
    | "sleep-deferred"
    | "wake-deferred";
  expiresAt?: string;
  /** What happened when the action ran: omitted in a dry run; "queued" when a job of its own runs it. */
  outcome?: "done" | "failed" | "queued";
  detail?: string;
}

export interface SweepInput {
  deps: EngineDeps & { queue?: Pick<JobQueue, "exclusive"> };
  repository: string;
  /** The repository at its default branch: definitions and templates are trusted there. */
  files: RepoFiles;
  reporter: ReconcileReporter;
  now: Date;
  dryRun: boolean;
  /** Environments checked at once in a drift sweep. */
  concurrency: number;
  onProgress?: (message: string) => void;
  /** Only these environments: one slice of a sweep fanned out across workers. All when absent. */
  only?: readonly string[];
  /**
   * Scale-out: hands the Terraform work of one environment (its drift check, its destroy at
   * expiry) to a job of its own, which any worker runs as this sweep with `only`, instead of
   * running it here. What the sweep decides for all (the destroy limit) is decided here, once.
   */
  dispatch?: (environment: string) => Promise<void>;
}

export interface SweepResult {
  kind: SweepKind;
  repository: string;
  dryRun: boolean;
  config: ResolvedConfig;
  entries: SweepEntry[];
}
