import type { RunLogLine, RunRecord } from "../../../core/ports/index.js";

/**
 * Where `history`, `logs` and a remote `plan` read runs and their logs: this machine's store, or
 * a remote envbot's API. The commands are written once, over this.
 */
export interface RunSource {
  /** Newest first. */
  listRuns(repository: string, environment: string, limit: number): Promise<RunRecord[]>;
  /** With its log excerpt; undefined when there is no such run (or it is not visible). */
  getRun(id: number): Promise<RunRecord | undefined>;
  /** The kept lines after `after`, one page; `complete` once the run is over and the last page was read. */
  readLog(runId: number, after: number): Promise<{ lines: RunLogLine[]; complete: boolean }>;
  /** Each line after `after` as it is written, until the run ends; returns the run as it ended. */
  followLog(run: RunRecord, after: number, onLine: (line: RunLogLine) => void): Promise<RunRecord>;
  close(): Promise<void>;
}
