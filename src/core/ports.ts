import type { DomainEvent, OutboxEntry } from "./events/domain-event.js";
import type { FoundResource, InventoryResource, Orphan, TaggedResource } from "./inventory/index.js";
import type { ResolvedConfig } from "./config/repository-config.js";
import type { Environment } from "./environment/environment.js";
import type { LockHolder } from "./locking/lock-holder.js";
import type { PlanMode, PlanSummary, ResourceChange } from "./planning/plan-summary.js";
import type { Redact } from "./secrets/redactor.js";
import type { PullRequestPolicyReport } from "./policy/policy-report.js";
import type { SecretReference } from "../generated/schemas.js";
import type {
  EnvironmentApplyReport,
  EnvironmentReport,
  MergeEffect,
  PullRequestApplyReport,
  PullRequestPlanReport,
  ValidationReport,
} from "./pull-requests/pull-request-report.js";

export { sameLockHolder, type LockHolder } from "./locking/lock-holder.js";

/**
 * The ports through which the core reaches the outside world. Adapters implement them
 * (src/adapters/...), tests pass in-memory ones; the core itself imports no I/O.
 */

/** A file read from a repository, at a commit or in a working tree. */
export interface RepoFile {
  /** Size in bytes. */
  size: number;
  /** The content; left empty by the adapter when `size` is over the limit the caller gave. */
  bytes: Uint8Array;
}

/** Read access to one revision of an environments repository. Paths are relative and use "/". */
export interface RepoFiles {
  /** undefined when there is no such file. */
  readFile(path: string, maxBytes: number): Promise<RepoFile | undefined>;
  /** Names of the entries of a directory (files and folders), or undefined when there is none. */
  listDirectory(path: string): Promise<string[] | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Store: records of environments, their runs and their locks. SQLite embedded, PostgreSQL for
// scale-out; both pass test/contract/store-contract.ts.

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

export type LeaseResult = { acquired: true; lease: LeaseRecord } | { acquired: false; heldBy: LeaseRecord };

/**
 * Everything envbot records, the embedded queue's jobs (JobStore), the outbox of events (Outbox),
 * runs' whole logs (RunLogs) and what the control plane keeps (API tokens, the audit trail).
 */
export interface Store extends JobStore, Outbox, RunLogs, ControlPlaneRecords, NotificationThreads {
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

/** A line of a run's output, numbered from 1 in the order Terraform wrote it. */
export interface RunLogLine {
  seq: number;
  line: string;
}

/**
 * The whole output of each run, redacted, written while Terraform runs: any process (the API
 * server of scale-out) can follow a running run's log and read a finished one's.
 */
export interface RunLogs {
  /** Appends lines after those already kept for the run. */
  appendRunLog(runId: number, lines: readonly string[]): Promise<void>;
  /** The lines after `afterSeq`, oldest first, at most `limit`. */
  readRunLog(runId: number, afterSeq: number, limit: number): Promise<RunLogLine[]>;
  /** Forgets the lines of runs that finished before `before` (their excerpt stays); returns how many lines. */
  pruneRunLogs(before: Date): Promise<number>;
}

/** A token for automation: only its hash is kept; it acts as its creator within its repositories. */
export interface ApiTokenRecord {
  id: number;
  /** What its creator called it ("ci deploys"). */
  name: string;
  /** The GitHub login that created it, and as whom it acts. */
  login: string;
  /** "owner/name" of each repository the token may see and act on. */
  repositories: string[];
  createdAt: Date;
  lastUsedAt?: Date;
}

/**
 * A signed-in person's session, kept on the server so that signing out ends it wherever its
 * cookie was copied. The cookie carries a random id; the store keeps only its SHA-256 (`id`).
 */
export interface SessionRecord {
  id: string;
  login: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set when it was ended (signed out, or all of the login's sessions ended). */
  endedAt?: Date;
}

/** Who did what, when, through which way in, and how it ended. Append-only. */
export interface AuditEntry {
  id: number;
  at: Date;
  /** As people read it: a GitHub login, "cli:USER", "reconciler". */
  actor: string;
  /** The way in: "api", "dashboard", "api-token", "pull-request", "comment", "cli", "reconciler". */
  source: string;
  /** What was asked: "plan", "unlock", "extend", "destroy", "request", "token.create", ... */
  action: string;
  repository: string;
  environment?: string;
  /** "accepted", "refused", "failed", or what the action produced ("pull-request #12"). */
  outcome: string;
  detail?: string;
}

export interface ControlPlaneRecords {
  /** `hash` is the SHA-256 of the token; the token itself is never stored. */
  createApiToken(token: { hash: string; name: string; login: string; repositories: readonly string[] }): Promise<ApiTokenRecord>;
  /** The token with this hash, unless it was revoked; marks it used now. */
  useApiToken(hash: string): Promise<ApiTokenRecord | undefined>;
  /** The tokens a login created and has not revoked, oldest first. */
  listApiTokens(login: string): Promise<ApiTokenRecord[]>;
  /** false when the login has no such token (or it was revoked before). */
  revokeApiToken(id: number, login: string): Promise<boolean>;

  /** Keeps a signed-in person's session; `id` is the SHA-256 of the id its cookie carries. */
  createSession(session: Omit<SessionRecord, "endedAt">): Promise<void>;
  /** The session with this id, ended or not; undefined when there is none (never made, or pruned). */
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Ends one session (sign-out); false when it had ended before or is not there. */
  endSession(id: string): Promise<boolean>;
  /** Ends every session of a login that has not ended; returns how many. */
  endSessionsOf(login: string): Promise<number>;
  /** Forgets the sessions that expired before this moment; returns how many. */
  pruneSessions(expiredBefore: Date): Promise<number>;
  /**
   * The secret kept under `name`; `generated` becomes it when there is none yet. Atomic: of
   * concurrent callers (servers of scale-out starting together) every one gets the one kept.
   */
  keepServerSecret(name: string, generated: string): Promise<string>;

  recordAudit(entry: Omit<AuditEntry, "id" | "at">): Promise<AuditEntry>;
  /** Newest first; only the given repositories (all when absent); ids below `beforeId`. */
  listAudit(query: { repositories?: readonly string[]; environment?: string; beforeId?: number; limit: number }): Promise<AuditEntry[]>;
}

// ---------------------------------------------------------------------------------------------
// Terraform: synthesis of the root module and the terraform/tofu CLI, behind one port.

export interface RootModuleRequest {
  /** "owner/name", or a local checkout's absolute path: keys the working directory and the state. */
  repository: string;
  environment: Environment;
  /** The template's defaults merged with spec.variables. */
  variables: Record<string, unknown>;
  /** The standard envbot:* tags. */
  tags: Record<string, string>;
  state: ResolvedConfig["state"];
  /** Where the template's files are read from (the trust model picks the revision). */
  templateFiles: RepoFiles;
}

export interface TerraformRunOptions {
  /** Values of the template's secrets: given to Terraform as TF_VAR_ variables, never in a file. */
  secrets: Readonly<Record<string, string>>;
  redact: Redact;
  signal?: AbortSignal;
  /** Each line of Terraform's output as it comes, redacted: progress for long runs. */
  onOutput?: (line: string) => void;
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
  outputs: Record<string, { value: unknown; sensitive: boolean }>;
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

// ---------------------------------------------------------------------------------------------
// Secrets

export interface SecretProvider {
  /**
   * Why the server would refuse to read this reference (not allowed, or one of its own
   * credentials), or undefined when it may. Never names the value; validation reports it early.
   */
  refusal(reference: SecretReference): string | undefined;
  /** The secret's value; throws SecretUnavailableError with a readable reason when it has none. */
  resolve(name: string, reference: SecretReference): Promise<string>;
}

export class SecretUnavailableError extends Error {
  override name = "SecretUnavailableError";
}

// ---------------------------------------------------------------------------------------------
// Code host (GitHub) and the reports a pull request gets.

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface ChangedFile {
  path: string;
  status: "added" | "modified" | "removed" | "renamed" | "copied" | "changed" | "unchanged";
  /** For a rename: the path before. */
  previousPath?: string;
}

/** An approving review: who, and the commit it approved. */
export interface Approval {
  login: string;
  commit: string;
}

export interface CodeHost {
  /** The files a pull request changes. */
  listChangedFiles(repository: string, number: number): Promise<ChangedFile[]>;
  /** The repository's files at a commit or branch. */
  filesAt(repository: string, ref: string): RepoFiles;
  permissionOf(repository: string, login: string): Promise<Permission>;
  /**
   * The people whose latest review of the pull request approves it, each with the commit the
   * review was of: the policy counts only approvals of the head commit (see core/policy).
   */
  listApprovals(repository: string, number: number): Promise<Approval[]>;
  /** A commit's parents, first parent first: a merge is judged by the policy of its first parent. */
  parentsOf(repository: string, sha: string): Promise<string[]>;
  /** An active member of the team `org/team`: the policy names teams (see core/policy). */
  isTeamMember(org: string, team: string, login: string): Promise<boolean>;
}

/** A change the control plane proposes to a repository: on GitHub, a pull request from a new branch. */
export interface ProposedChange {
  repository: string;
  /** The branch it goes into: the default branch. */
  base: string;
  /** The new branch it is made on. */
  branch: string;
  /** Path -> new content; null deletes the file. */
  files: Readonly<Record<string, string | null>>;
  /** Why: the adapter words the title and description from it. */
  reason: ChangeReason;
}

/** What a proposed change does, and who asked (as people read it). */
export type ChangeReason =
  | { kind: "request"; environment: string; template: string; requestedBy: string; file: string }
  | { kind: "extend"; environment: string; requestedBy: string; file: string; from: string; to: string }
  | { kind: "destroy"; environment: string; requestedBy: string; file: string };

/** Where the control plane reads a repository's default branch and proposes changes (Git stays the truth). */
export interface RepositoryChanges {
  defaultBranch(repository: string): Promise<string>;
  filesAt(repository: string, ref: string): RepoFiles;
  propose(change: ProposedChange): Promise<{ number: number; url: string; branch: string }>;
}

/** Where a pull request's progress and results are published (check runs, the comment, deployments). */
export interface PullRequestReporter {
  validationChecked(report: ValidationReport): Promise<void>;
  /** The repository policy's verdict on the pull request (a check run branch protection can require). */
  policyChecked(report: PullRequestPolicyReport): Promise<void>;
  /** A merge the policy did not allow (its protection was bypassed): nothing is applied, and the pull request is told why. */
  mergeRefusedByPolicy(report: PullRequestPolicyReport): Promise<void>;
  planStarted(environment: string): Promise<void>;
  environmentPlanned(report: EnvironmentReport): Promise<void>;
  planReported(report: PullRequestPlanReport): Promise<void>;
  /** `/envbot plan NAME` named no environment of the pull request: says which there are. */
  environmentNotInPullRequest(input: { environment: string; environments: string[] }): Promise<void>;
  applyStarted(environment: string, effect: MergeEffect): Promise<void>;
  environmentApplied(report: EnvironmentApplyReport): Promise<void>;
  applyReported(report: PullRequestApplyReport): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Work queue: webhooks are acknowledged at once; Terraform runs here.

/**
 * A job as the queue carries it: data, never a closure, so it can be kept (the embedded queue
 * writes it to the store before the webhook is acknowledged) and run by any process.
 */
export interface QueuedJob {
  /** Jobs with the same key supersede each other: a newer one cancels the running one. */
  key: string;
  /**
   * Never superseded or cancelled by a later job of its key, which runs after it instead: the
   * apply of a merge must not be stopped by a comment or an event that follows it.
   */
  final?: boolean;
  /** JSON: what to do (see core/jobs). */
  payload: unknown;
}

/**
 * Why a job's signal aborted when the job is not over but stops here and runs again elsewhere
 * (its worker is stopping, or lost it to another worker): nothing of it is reported, its runs
 * end as interrupted, and the next attempt (resumed) reports. Any other abort reason means the
 * job was superseded or cancelled.
 */
export class JobHandedOnError extends Error {
  override name = "JobHandedOnError";
}

/** Whether `signal` aborted because the job is handed on (see JobHandedOnError). */
export function handedOn(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason instanceof JobHandedOnError;
}

export interface JobRunContext {
  signal: AbortSignal;
  /** The job had started before: its process stopped while running it (a crash, a kill). */
  resumed: boolean;
  /**
   * Whether the queue would run the job again if it threw this error (the database or a provider
   * out of reach, attempts left): the runner then throws instead of reporting the failure.
   * Undefined where a queue never retries.
   */
  mayRetry?: (error: unknown) => boolean;
}

export type JobRunner = (payload: unknown, context: JobRunContext) => Promise<void>;

export interface JobQueue {
  /**
   * Resolves once the job is kept: only then may the webhook that asked for it be acknowledged.
   * With the `delivery` id, the delivery is recorded with the job; false when it was handled
   * before (a redelivery) and nothing was queued.
   */
  enqueue(job: QueuedJob, options?: { delivery?: string }): Promise<boolean>;
  /** Starts running jobs with `run`, first those a previous process left unfinished. */
  start(run: JobRunner): Promise<void>;
  /** Runs `work` when no other work holds `key` (one Terraform operation per environment). */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Jobs waiting and jobs running now. */
  depth(): { queued: number; running: number };
  /** Whether jobs can be kept and fetched now (a queue in a database); absent when it lives in the process. */
  health?(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/**
 * Domain events written with the state change they describe (see DomainEvent), kept until the
 * relay has routed them, and then one delivery per target (Slack, a webhook, AMQP) kept until
 * that target took it: a crash anywhere in between loses none, and a target that fails holds
 * back only its own deliveries.
 */
export interface Outbox {
  /** Events with no state change of their own (a definition the reconciler cannot use). */
  appendEvents(events: DomainEvent[]): Promise<void>;
  /** Events not routed yet (and not parked), oldest first. */
  pendingEvents(limit: number): Promise<OutboxEntry[]>;
  /**
   * Routes an event: one waiting delivery per target (or parked at once, with the reason, for a
   * target the server does not know), in one transaction with marking the event routed. Routing
   * an event twice adds nothing.
   */
  routeEvent(seq: number, deliveries: { target: string; parkedBecause?: string }[], now: Date): Promise<void>;
  /** Routing failed (the repository's routes could not be read): counted; a parked event is never routed. */
  markEventFailed(seq: number, error: string, park: boolean): Promise<void>;
  /**
   * The deliveries to attempt at `now`: for each target and environment, its oldest waiting
   * delivery, when it is due. A later event of the same environment waits for it (order).
   */
  dueDeliveries(now: Date, limit: number): Promise<EventDelivery[]>;
  markDeliveryDone(seq: number, target: string, now: Date): Promise<void>;
  /** A failed attempt: counted with its error, tried again at `retryAt`, or parked. */
  markDeliveryFailed(seq: number, target: string, error: string, retryAt: Date | "park"): Promise<void>;
  /**
   * Per target: deliveries waiting, parked, and the last error, for status and the API; of some
   * repositories' events only when `repositories` is given (the last error too: the newest of theirs).
   */
  deliveryStatus(options?: { repositories?: readonly string[] }): Promise<TargetDeliveryStatus[]>;
  /** The repositories whose events have deliveries (to show each caller only those of theirs), sorted. */
  deliveryRepositories(): Promise<string[]>;
  /** Parked deliveries, newest first (of one target when named). */
  listParkedDeliveries(options: { target?: string; limit: number }): Promise<EventDelivery[]>;
  /** Parked deliveries (of one target, of some repositories) waiting again, due at `now` with their attempts reset; returns how many. */
  retryParkedDeliveries(options: { target?: string; repositories?: readonly string[] }, now: Date): Promise<number>;
  /** Forgets events written before `before`, routed, delivered or not, with their deliveries; returns how many events. */
  pruneEvents(before: Date): Promise<number>;
}

/** One event on its way to one target. */
export interface EventDelivery {
  seq: number;
  target: string;
  event: DomainEvent;
  state: "waiting" | "delivered" | "parked";
  attempts: number;
  lastError?: string;
}

export interface TargetDeliveryStatus {
  target: string;
  waiting: number;
  parked: number;
  delivered: number;
  /** When the target last took an event. */
  lastDeliveredAt?: Date;
  lastError?: string;
}

/**
 * Where a chat target keeps each environment's conversation (a Slack thread: its first
 * message's id), so the environment's later events reply there instead of filling the channel.
 */
export interface NotificationThreads {
  notificationThread(target: string, repository: string, environment: string): Promise<string | undefined>;
  /** Remembers the thread, or forgets it (undefined): the environment's next event starts a new one. */
  setNotificationThread(target: string, repository: string, environment: string, thread: string | undefined): Promise<void>;
}

/** A job kept in the store until it is done. */
export interface StoredJob {
  id: number;
  key: string;
  final: boolean;
  /** The payload as JSON text. */
  payload: string;
  enqueuedAt: Date;
  /** Set when a process began running it; a stored job with one was interrupted. */
  startedAt?: Date;
  attempts: number;
}

/** Where the embedded queue keeps its jobs (the SQLite file, next to everything else). */
export interface JobStore {
  /**
   * Keeps a job; in the same transaction drops the jobs of its key that have not started and
   * are not final (the new one supersedes them), and records the webhook `delivery` that asked
   * for it: a delivery recorded before adds nothing (`added: false`), and a crash can never keep
   * the one without the other.
   */
  addJob(job: { key: string; final: boolean; payload: string; delivery?: string }): Promise<{ added: true; id: number; superseded: number[] } | { added: false }>;
  markJobStarted(id: number): Promise<void>;
  /** The job is done (whatever its outcome): it is forgotten. */
  removeJob(id: number): Promise<void>;
  /** Oldest first. */
  listJobs(): Promise<StoredJob[]>;
}

// ---------------------------------------------------------------------------------------------
// Reconciler: where the owners of environments hear about expiry and drift.

export interface EnvironmentNotice {
  repository: string;
  environment: string;
  /** The definition's path in the repository. */
  file: string;
  /** "@user" or "@org/team". */
  owner: string;
}

/** One orphan sweep of a repository: when it looked, in which region, and what it found. */
export interface OrphanSweepRecord {
  repository: string;
  sweptAt: Date;
  region: string;
  orphans: Orphan[];
}

/** The cloud's index of tagged resources (AWS: the Resource Groups Tagging API of envbot's region). */
export interface TaggedResourceSource {
  region: string;
  /** Every resource carrying `envbot:repository=<repository>`. */
  listTagged(repository: string): Promise<TaggedResource[]>;
}

/** Resources tagged for one environment that no environment's state holds. */
export interface OrphanReport {
  repository: string;
  environment: string;
  /** The environment's owner, when envbot knows the environment. */
  owner?: string;
  region: string;
  orphans: Orphan[];
}

/** Where the orphan sweep tells owners what it found (GitHub: one issue per environment). */
export interface OrphanReporter {
  /** Opens the environment's report or updates it; says where, for the sweep's log. */
  orphansFound(report: OrphanReport): Promise<{ where?: string }>;
  /** The environments an open report names (reports are found again, not remembered). */
  orphansReported(): Promise<string[]>;
  /** Nothing of the environment is left behind any more: closes its report. */
  orphansResolved(notice: { repository: string; environment: string }): Promise<void>;
}

export interface DriftReport extends EnvironmentNotice {
  /** Changed outside of Terraform since the last apply (all of the plan's drift), with attributes. */
  cloudDrift: ResourceChange[];
  /** What applying the definition in Git would change beyond undoing that drift. */
  pendingInGit: ResourceChange[];
  /** Equal for equal drift: an issue is only edited when this changes. */
  fingerprint: string;
}

export interface ReconcileReporter {
  /** Once per expiry: the environment expires at `expiresAt`; how to extend it. */
  expiryWarning(notice: EnvironmentNotice & { expiresAt: Date }): Promise<void>;
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
