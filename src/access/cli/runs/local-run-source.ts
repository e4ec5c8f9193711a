import { recoverInterruptedRuns, type EngineDeps } from "../../../core/engine/index.js";
import { formatInterruptedRun } from "../../../render/plan-text.js";
import type { RunSource } from "./run-source.js";

/** How often a followed run is looked at again: the API's live log polls as often. */
export const LOCAL_LOG_POLL_MS = 250;
/**
 * How often a follower checks that the run's process is still alive: one that died leaves its run
 * "running" until an envbot closes it, and the follower would wait for good.
 */
export const LOCAL_RECOVERY_CHECK_MS = 30_000;
/** Lines read from the store at once. */
const LOG_PAGE = 1000;

/** Runs and logs of this machine's data directory. */
export function localRunSource(deps: EngineDeps, tell: (line: string) => void): RunSource {
  const { store } = deps;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    listRuns: (repository, environment, limit) => store.listRuns(repository, environment, limit),
    getRun: (id) => store.getRun(id),
    async readLog(runId, after) {
      // The run's state before its lines: lines written before it ended are all there by then.
      const run = await store.getRun(runId);
      const lines = await store.readRunLog(runId, after, LOG_PAGE);
      return { lines, complete: run?.outcome !== "running" && lines.length < LOG_PAGE };
    },
    async followLog(run, after, onLine) {
      let nextRecoveryCheck = Date.now() + LOCAL_RECOVERY_CHECK_MS;
      for (;;) {
        const current = (await store.getRun(run.id)) ?? run;
        for (let lines = await store.readRunLog(run.id, after, LOG_PAGE); lines.length > 0; lines = await store.readRunLog(run.id, after, LOG_PAGE)) {
          for (const line of lines) onLine(line);
          after = lines.at(-1)!.seq;
        }
        if (current.outcome !== "running") return current;
        if (Date.now() >= nextRecoveryCheck) {
          for (const closed of await recoverInterruptedRuns(deps)) tell(`envbot: ${formatInterruptedRun(closed)}`);
          nextRecoveryCheck = Date.now() + LOCAL_RECOVERY_CHECK_MS;
          continue;
        }
        await sleep(LOCAL_LOG_POLL_MS);
      }
    },
    close: () => store.close(),
  };
}
