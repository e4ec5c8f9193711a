// Store: records of environments, their runs and their locks. SQLite embedded, PostgreSQL for
// scale-out; both pass test/contract/store-contract.ts.

import type { DomainEvent } from "../events/domain-event.js";
import type { FoundResource, InventoryResource } from "../inventory/index.js";
import type { LockHolder } from "../locking/lock-holder.js";
import type { CertificateRecords } from "./certificate-records.js";
import type { SensitiveValueRecords } from "./sensitive-value-records.js";
import type { AuditEntry, ControlPlaneRecords } from "./control-plane-records.js";
import type { JobStore } from "./job-store.js";
import type { NotificationThreads } from "./notification-threads.js";
import type { OrphanSweepRecord } from "./orphans.js";
import type { Outbox } from "./outbox.js";
import type { RunLogs } from "./run-logs.js";

export { sameLockHolder, type LockHolder } from "../locking/lock-holder.js";

export type EnvironmentStatus = "planned" | "applying" | "active" | "expiring" | "destroying" | "destroyed" | "failed";

export interface EnvironmentRecord {
  /** "owner/name" of the environments repository, or the absolute path of a CLI checkout. */
  repository: string;
  name: string;
  template: string;
  owner: string;
  status: EnvironmentStatus;
  createdAt: Date;
  /** The first successful apply: ttl counts from here. */
  firstAppliedAt?: Date;
  expiresAt?: Date;
  lastRunId?: number;
  updatedAt: Date;
  /** The expiry the owner was warned about (a later expiry, after an extension, warns again). */
  expiryWarnedFor?: Date;
  /**
   * Set while the environment is known to drift: a fingerprint of the drift last reported (the
   * reporters find their own issue or message again; the core keeps no GitHub numbers).
   */
  driftFingerprint?: string;
  /** metadata.description of the definition last planned or applied. */
  description?: string;
  /** metadata.labels of that definition (the API and dashboard filter by them). */
  labels?: Record<string, string>;
  /** That definition, as JSON (data only: secrets are references, never values). */
  definition?: Record<string, unknown>;
  /** The outputs of the last apply that are not sensitive, redacted; sensitive ones are left out. */
  outputs?: Record<string, unknown>;
  /**
   * The first apply that gave it the repository's default ttl (its definition names none): the
   * default counts from here, so an environment that was long-lived before a default was set
   * is not expired at once.
   */
  defaultTtlSince?: Date;
  /** Asleep since (hibernation, core/hibernation): its status stays what it was, shown as hibernated. */
  hibernatedAt?: Date;
  /** Woken on request until then, whatever its schedule says. */
  awakeUntil?: Date;
}

/** Which environment, and the fields one writer sets (see Store.upsertEnvironment). */
export type EnvironmentChange = Pick<EnvironmentRecord, "repository" | "name"> & Partial<Omit<EnvironmentRecord, "repository" | "name" | "createdAt" | "updatedAt">>;

export type RunKind = "plan" | "apply" | "destroy" | "drift";
/** "interrupted": the process that ran it stopped (a crash, a kill) while Terraform ran. */
export type RunOutcome = "running" | "succeeded" | "failed" | "cancelled" | "interrupted";

export interface RunRecord {
  id: number;
  repository: string;
  environment: string;
  kind: RunKind;
  /** The commit the run planned or applied, when there is one. */
  commit?: string;
  /** Who asked for it: a GitHub login, "cli:<user>", "reconciler". */
  actor: string;
  startedAt: Date;
  finishedAt?: Date;
  outcome: RunOutcome;
  /** The PlanSummary (or other result) as JSON, secrets already redacted. */
  summary?: string;
  /** The last lines of Terraform's output, secrets already redacted. */
  logExcerpt?: string;
  /** A readable reason when the run failed. */
  error?: string;
}


export interface LockRecord {
  repository: string;
  environment: string;
  holder: LockHolder;
  acquiredAt: Date;
}

export type LockResult = { acquired: true; lock: LockRecord } | { acquired: false; heldBy: LockRecord };

/**
 * The right to run the one Terraform operation of an environment, across processes and machines.
 * It expires unless its holder renews it, so a holder that crashed frees it by itself.
 */
export interface LeaseRecord {
  key: string;
  /** Who holds it, as people read it ("cli:alice apply"). */
  holder: string;
  /** Tells this holder's lease from any other, even one with the same description. */
  token: string;
  acquiredAt: Date;
  expiresAt: Date;
}

/** The environments list's filters (the REST API's query), each one an AND. */
export interface EnvironmentListQuery {
  /** Only these (the caller's readable repositories). */
  repositories: readonly string[];
  /** Compared without a leading "@" and case. */
  owner?: string;
  template?: string;
  statuses?: readonly EnvironmentStatus[];
  /** Each: the key is set (and, with a value, to that value). */
  labels?: readonly { key: string; value?: string }[];
  /** Expires before this and not destroyed. */
  expiringBefore?: Date;
  drifted?: boolean;
  /** Each word appears (case aside) in the repository, name, owner, template, status or description. */
  words?: readonly string[];
  /** The last (repository, name) of the previous page. */
  after?: readonly [string, string];
  limit: number;
}

export type LeaseResult = { acquired: true; lease: LeaseRecord } | { acquired: false; heldBy: LeaseRecord };

/**
 * Everything envbot records, the embedded queue's jobs (JobStore), the outbox of events (Outbox),
 * runs' whole logs (RunLogs), what the control plane keeps (API tokens, the audit trail) and
 * environments' certificates (CertificateRecords) and the sensitive outputs their dependents take
 * (SensitiveValueRecords).
 */
export interface Store extends JobStore, Outbox, RunLogs, ControlPlaneRecords, NotificationThreads, CertificateRecords, SensitiveValueRecords {
  /**
   * Creates the record (template, owner and status are then required) or changes exactly the
   * fields given: a field left out keeps what another writer put there, one given as undefined
   * is cleared. createdAt is kept from the first call. Never read a record, change it and write
   * it all back: give only what this writer decides.
   */
  upsertEnvironment(change: EnvironmentChange, events?: DomainEvent[]): Promise<EnvironmentRecord>;
  getEnvironment(repository: string, name: string): Promise<EnvironmentRecord | undefined>;
  /** Sorted by repository, then name. */
  listEnvironments(repository?: string): Promise<EnvironmentRecord[]>;
  /**
   * One page of the environments of `repositories` that match every filter, sorted by repository
   * then name, after `after`; `total` counts every match. Filtered in the store: only the page is read.
   */
  queryEnvironments(query: EnvironmentListQuery): Promise<{ items: EnvironmentRecord[]; total: number }>;
  /** The repositories envbot keeps environment records of, sorted. */
  listRepositories(): Promise<string[]>;

  startRun(run: { repository: string; environment: string; kind: RunKind; commit?: string; actor: string }): Promise<RunRecord>;
  /**
   * Records the end of a run; also sets the environment's lastRunId when the environment exists.
   * `events` go to the outbox in the same transaction (as with upsertEnvironment).
   */
  finishRun(
    id: number,
    result: {
      outcome: Exclude<RunOutcome, "running">;
      summary?: string;
      logExcerpt?: string;
      error?: string;
      /** Who asked, written to the audit trail in the same transaction (action: the run's kind; outcome: the run's). */
      audit?: Pick<AuditEntry, "actor" | "source" | "detail">;
      /** The environment's resources after this run, replacing those recorded, in the same transaction. */
      inventory?: InventoryResource[];
    },
    events?: DomainEvent[],
  ): Promise<RunRecord>;
  /** The resources an environment held after its last apply or destroy (what the state kept when one failed part-way), by address. */
  listInventory(repository: string, environment: string): Promise<InventoryResource[]>;
  /**
   * Resources of any environment (of `repositories`, when given) matching `query` (see
   * matchResource): an ARN, a cloud id, a type, an address, an attribute's value, or KEY=VALUE.
   */
  findResources(query: string, options: { repositories?: readonly string[]; limit: number }): Promise<FoundResource[]>;
  /** What a repository's latest orphan sweep found, replacing the one before. */
  recordOrphanSweep(sweep: OrphanSweepRecord): Promise<void>;
  /** The latest orphan sweep of each of `repositories` that had one. */
  listOrphanSweeps(repositories: readonly string[]): Promise<OrphanSweepRecord[]>;
  getRun(id: number): Promise<RunRecord | undefined>;
  /**
   * Succeeded plans and applies of these environments whose summary records a price (cost.hourly),
   * newest first, at most `perEnvironment` of each: the cost cap's one read per check.
   */
  listPricedRuns(repository: string, environments: readonly string[], perEnvironment: number): Promise<RunRecord[]>;
  /** The runs of these ids that exist, in one read (a page of environments' last runs). */
  getRuns(ids: readonly number[]): Promise<RunRecord[]>;
  /** Newest first. */
  listRuns(repository: string, environment: string, limit?: number): Promise<RunRecord[]>;
  /** Every run still marked running, in any repository, oldest first. */
  listUnfinishedRuns(): Promise<RunRecord[]>;
  /**
   * Runs of any environment, newest first, for the control plane: of the given repositories
   * (all when absent), optionally one environment of them, only ids below `beforeId` (the next page).
   */
  listRecentRuns(query: { repositories?: readonly string[]; environment?: string; beforeId?: number; limit: number }): Promise<RunRecord[]>;

  /** Atomic: of concurrent callers exactly one acquires. Re-acquiring by the holder succeeds. */
  acquireLock(repository: string, environment: string, holder: LockHolder): Promise<LockResult>;
  /** false when the lock is not held by `holder` (or not held at all). */
  releaseLock(repository: string, environment: string, holder: LockHolder): Promise<boolean>;
  listLocks(repository?: string): Promise<LockRecord[]>;

  /** Atomic: takes the lease when it is free or its holder let it expire; else says who holds it. */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<LeaseResult>;
  /** Extends the holder's lease (by its token); false when it is no longer theirs. */
  renewLease(lease: Pick<LeaseRecord, "key" | "token">, ttlMs: number): Promise<boolean>;
  /** false when the lease is no longer the holder's. */
  releaseLease(lease: Pick<LeaseRecord, "key" | "token">): Promise<boolean>;

  /** Records a webhook delivery id; false when it was recorded before (a redelivery). Atomic. */
  recordDelivery(id: string, receivedAt?: Date): Promise<boolean>;
  /** Whether a delivery id was recorded (and not yet pruned). */
  hasDelivery(id: string): Promise<boolean>;
  /** Forgets deliveries received before this moment; returns how many. */
  pruneDeliveries(olderThan: Date): Promise<number>;

  /**
   * Whether what is written now will still be there after a restart. Not, for example, when the
   * database file was deleted or replaced under the running process; writes then throw
   * StoreUnavailableError. The readiness endpoint reports it.
   */
  health(): Promise<StoreHealth>;

  close(): Promise<void>;
}

export type StoreHealth = { ok: true } | { ok: false; reason: string };

/** A write the store refused because it could not keep it; the message says what to do. */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}
