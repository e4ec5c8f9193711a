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
