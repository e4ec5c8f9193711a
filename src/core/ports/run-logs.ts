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
