import type { RunLogLine } from "../../../core/ports/index.js";
import { runFromApi, type ApiLogPage, type ApiPage, type ApiRun } from "../remote/api-records.js";
import type { EnvbotApi } from "../remote/envbot-api-client.js";
import { RemoteApiError } from "../remote/remote-api-error.js";
import type { RunSource } from "./run-source.js";

/** The API's largest page of runs. */
const RUNS_PAGE = 100;
/** A live log that breaks off is resumed after its last line this many times in a row, then given up. */
export const STREAM_RESUMES = 5;
/** Waited before each resume, times the attempt: a restarting server gets a moment. */
const STREAM_RESUME_DELAY_MS = 1000;

/** Runs and logs of a remote envbot, through its API. */
export function remoteRunSource(api: EnvbotApi): RunSource {
  const getRun = async (id: number) => {
    try {
      return runFromApi(await api.get<ApiRun>(`/api/v1/runs/${id}`));
    } catch (error) {
      if (error instanceof RemoteApiError && error.failure.kind === "problem" && error.failure.status === 404) return undefined;
      throw error;
    }
  };
  return {
    async listRuns(repository, environment, limit) {
      const runs: ApiRun[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get<ApiPage<ApiRun>>("/api/v1/runs", { repository, environment, limit: Math.min(limit - runs.length, RUNS_PAGE), cursor });
        runs.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && runs.length < limit);
      return runs.map(runFromApi);
    },
    getRun,
    async readLog(runId, after) {
      const page = await api.get<ApiLogPage>(`/api/v1/runs/${runId}/log`, { after });
      return { lines: page.lines, complete: page.complete };
    },
    async followLog(run, after, onLine) {
      for (let resumes = 0; ; ) {
        try {
          // Last-Event-ID is the seq of the last line: the server goes on after it.
          for await (const event of api.stream(`/api/v1/runs/${run.id}/log/stream`, after > 0 ? String(after) : undefined)) {
            if (event.event === "line") {
              const line = JSON.parse(event.data) as RunLogLine;
              if (line.seq <= after) continue;
              onLine(line);
              after = line.seq;
              resumes = 0;
            } else if (event.event === "end") {
              return (await getRun(run.id)) ?? run;
            }
          }
        } catch (error) {
          if (!(error instanceof RemoteApiError && error.failure.kind === "unreachable") || resumes >= STREAM_RESUMES) throw error;
        }
        resumes += 1;
        await new Promise((resolve) => setTimeout(resolve, STREAM_RESUME_DELAY_MS * resumes));
      }
    },
    close: async () => undefined,
  };
}
