import type { RunLogs } from "../ports/index.js";

/** How often a running run's new lines are written: a live log is at most this far behind. */
export const RUN_LOG_FLUSH_MS = 250;
/** A run keeps at most this many lines; Terraform's output past them is dropped (the run's excerpt still has its end). */
export const RUN_LOG_MAX_LINES = 20_000;

export interface RunLogWriter {
  /** One line of the run's output, already redacted. */
  push(line: string): void;
  /** Writes what is still buffered; resolves when it is kept. */
  close(): Promise<void>;
}

/**
 * Keeps a run's output in the store while Terraform writes it, in batches, so another process
 * (the API of scale-out) can follow it. Best effort: a failed write loses lines of the live log,
 * never the run, whose outcome and excerpt are recorded as before.
 */
export function runLogWriter(store: Pick<RunLogs, "appendRunLog">, runId: number, options: { flushMs?: number; maxLines?: number } = {}): RunLogWriter {
  const { flushMs = RUN_LOG_FLUSH_MS, maxLines = RUN_LOG_MAX_LINES } = options;
  let buffered: string[] = [];
  let kept = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const lines = buffered;
    buffered = [];
    if (lines.length > 0) writing = writing.then(() => store.appendRunLog(runId, lines)).catch(() => undefined);
    return writing;
  };

  return {
    push(line) {
      if (kept >= maxLines) return;
      kept++;
      buffered.push(kept === maxLines ? `… envbot keeps the first ${maxLines} lines of a run's log; the rest is not kept` : line);
      timer ??= setTimeout(() => void flush(), flushMs);
    },
    close: flush,
  };
}
