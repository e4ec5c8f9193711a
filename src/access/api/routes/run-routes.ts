import type { ServerResponse } from "node:http";
import type { RunRecord } from "../../../core/ports/index.js";
import { respondJson } from "../../http/respond-json.js";
import { queryRepository, readableRepositories, requireAllowed, type ApiDeps } from "../api-deps.js";
import { notFound } from "../api-problem.js";
import { decodeCursor, encodeCursor, REPOSITORY_PATTERN, type ApiRequest, type Paged } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";
import { runView } from "../api-views.js";
import { watchStreamAccess } from "../watch-stream-access.js";

/** How often a live log looks for new lines while its run goes on. */
export const LOG_POLL_MS = 250;
/** Lines one log request or one stream message batch carries at most. */
const LOG_PAGE = 1000;

async function listRuns(request: ApiRequest<Paged & { repository?: string; environment?: string }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { environment, limit, cursor } = request.query;
  const repository = await queryRepository(deps, request.query.repository);
  const beforeId = decodeCursor(cursor, (value): value is number => Number.isInteger(value) && (value as number) > 0);
  const candidates = repository !== undefined ? [repository] : await deps.store.listRepositories();
  const repositories = await readableRepositories(deps, request.principal, candidates);
  const runs = await deps.store.listRecentRuns({ repositories, environment, beforeId, limit: limit + 1 });
  const page = runs.slice(0, limit);
  respondJson(res, 200, { items: page.map(runView), nextCursor: runs.length > limit ? encodeCursor(page.at(-1)!.id) : null });
}

/** The run a path names, when the caller may see its repository; else 404 either way. */
async function runOfPath(request: ApiRequest, deps: ApiDeps): Promise<RunRecord> {
  const id = request.params.id as number;
  const run = await deps.store.getRun(id);
  if (!run) throw notFound(`there is no run ${id}`);
  if (!REPOSITORY_PATTERN.test(run.repository)) throw notFound(`there is no run ${id}`); // a CLI checkout's run: not the API's
  await requireAllowed(deps, request.principal, "read", { repository: run.repository, name: run.environment }).catch(() => {
    throw notFound(`there is no run ${id}`);
  });
  return run;
}

async function getRun(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const run = await runOfPath(request, deps);
  respondJson(res, 200, { ...runView(run), logExcerpt: run.logExcerpt ?? null });
}

/** GET .../log?after=SEQ: the kept lines after SEQ; `complete` once the run ended and every line was read. */
async function getRunLog(request: ApiRequest<{ after: number }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const run = await runOfPath(request, deps);
  const { after } = request.query;
  const lines = await deps.store.readRunLog(run.id, after, LOG_PAGE);
  const next = lines.at(-1)?.seq ?? after;
  respondJson(res, 200, { runId: run.id, outcome: run.outcome, lines, next, complete: run.outcome !== "running" && lines.length < LOG_PAGE });
}

/**
 * GET .../log/stream: Server-Sent Events. Each `line` event carries {seq, line} (its id is the
 * seq, so a reconnecting EventSource resumes after Last-Event-ID); `end` carries the outcome once
 * the run is over and every line was sent. Lines come from the store, so the run may be going on
 * in any process. The caller's access is checked again while the stream is open (see
 * watchStreamAccess): when it ends, a `revoked` event says why and the stream closes.
 */
async function streamRunLog(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const run = await runOfPath(request, deps);
  const resumeFrom = request.raw.headers["last-event-id"];
  let after = typeof resumeFrom === "string" && /^[0-9]{1,9}$/.test(resumeFrom) ? Number(resumeFrom) : 0;
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
  res.write(": envbot run log\n\n");
  let closed = false;
  let wake = () => {};
  const close = () => {
    closed = true;
    wake();
  };
  request.raw.on("close", close);
  const access = watchStreamAccess(request, deps, { repository: run.repository, name: run.environment }, (why) => {
    if (why !== undefined && !closed) res.write(`event: revoked\ndata: ${JSON.stringify({ detail: why })}\n\n`);
    close();
  });
  try {
    while (!closed) {
      const current = (await deps.store.getRun(run.id)) ?? run;
      // Read after the run's state: lines written before it ended are all there by now.
      let lines = await deps.store.readRunLog(run.id, after, LOG_PAGE);
      while (lines.length > 0 && !closed) {
        res.write(lines.map((line) => `id: ${line.seq}\nevent: line\ndata: ${JSON.stringify(line)}\n\n`).join(""));
        after = lines.at(-1)!.seq;
        lines = lines.length === LOG_PAGE ? await deps.store.readRunLog(run.id, after, LOG_PAGE) : [];
      }
      if (closed) break;
      if (current.outcome !== "running") {
        res.write(`event: end\ndata: ${JSON.stringify({ outcome: current.outcome, error: current.error ?? null })}\n\n`);
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LOG_POLL_MS);
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  } finally {
    access.stop();
  }
  res.end();
}

export const runRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/runs", handle: listRuns },
  { method: "GET", path: "/api/v1/runs/{id}", handle: getRun },
  { method: "GET", path: "/api/v1/runs/{id}/log", handle: getRunLog },
  { method: "GET", path: "/api/v1/runs/{id}/log/stream", handle: streamRunLog },
];
