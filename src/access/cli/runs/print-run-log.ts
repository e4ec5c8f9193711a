import type { RunRecord } from "../../../core/ports/index.js";
import type { RunSource } from "./run-source.js";

/**
 * Writes a run's kept log lines: those there now, or with `follow` every line until the run ends.
 * A run that kept no lines (recorded before whole logs were kept) shows its log excerpt instead.
 * Returns the run as it is (as it ended, when followed).
 */
export async function printRunLog(source: RunSource, run: RunRecord, options: { follow: boolean; write: (line: string) => void }): Promise<RunRecord> {
  let printed = 0;
  let after = 0;
  const write = (line: { seq: number; line: string }) => {
    options.write(line.line);
    after = line.seq;
    printed += 1;
  };
  let shown = run;
  if (options.follow) {
    shown = await source.followLog(run, after, write);
  } else {
    for (;;) {
      const page = await source.readLog(run.id, after);
      page.lines.forEach(write);
      if (page.complete || page.lines.length === 0) break;
    }
  }
  if (printed === 0 && shown.logExcerpt) for (const line of shown.logExcerpt.split("\n")) options.write(line);
  return shown;
}
