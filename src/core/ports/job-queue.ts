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
