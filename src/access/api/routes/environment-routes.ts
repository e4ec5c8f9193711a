import type { EnvironmentListQuery, EnvironmentStatus, LockRecord } from "../../../core/ports/index.js";
import { respondJson } from "../../http/respond-json.js";
import { queryRepository, readableRepositories, requireAllowed, type ApiDeps } from "../api-deps.js";
import { notFound } from "../api-problem.js";
import { decodeCursor, encodeCursor, type ApiRequest, type Paged } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";
import { environmentDetailView, environmentSummaryView } from "../api-views.js";
import { recordedDependencies, repositoryDependencies } from "../../../core/dependencies/recorded-dependencies.js";
import { formatDependencyGraph } from "../../../render/dependency-graph.js";
import { certificateView } from "../../../render/certificate-view.js";

export const ENVIRONMENT_STATUSES: readonly EnvironmentStatus[] = ["planned", "applying", "active", "expiring", "destroying", "destroyed", "failed"];

/** The environment a path names (/environments/{owner}/{repo}/{name}) as written (see requireAllowed for GitHub's spelling). */
export function environmentOfPath(request: ApiRequest): { repository: string; name: string } {
  const { owner, repo, name } = request.params as { owner: string; repo: string; name: string };
  return { repository: `${owner}/${repo}`, name };
}

/** The list's filters, as the document's schemas give them. */
type EnvironmentQuery = { owner?: string; template?: string; status?: EnvironmentStatus[]; label?: string[]; expiringBefore?: string; drifted?: boolean; q?: string };

/** The query's filters as the store takes them (it filters, sorts and pages in SQL). */
function filtersOf(query: EnvironmentQuery): Omit<EnvironmentListQuery, "repositories" | "after" | "limit"> {
  const { owner, template, status, expiringBefore, drifted, q } = query;
  return {
    ...(owner !== undefined && { owner }),
    ...(template !== undefined && { template }),
    ...(status !== undefined && { statuses: status }),
    ...(query.label !== undefined && {
      labels: query.label.map((label) => {
        const [key = "", ...value] = label.split("=");
        return value.length > 0 ? { key, value: value.join("=") } : { key };
      }),
    }),
    ...(expiringBefore !== undefined && { expiringBefore: new Date(expiringBefore) }),
    ...(drifted !== undefined && { drifted }),
    ...(q !== undefined && { words: q.split(/\s+/).filter(Boolean) }),
  };
}

const isPosition = (value: unknown): value is [string, string] => Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string");

async function listEnvironments(request: ApiRequest<EnvironmentQuery & Paged & { repository?: string }>, res: Parameters<ApiRoute["handle"]>[1], deps: ApiDeps): Promise<void> {
  const { query } = request;
  const repository = await queryRepository(deps, query.repository);
  const { limit } = query;
  const after = decodeCursor(query.cursor, isPosition);
  const readable = await readableRepositories(deps, request.principal, repository !== undefined ? [repository] : await deps.store.listRepositories());
  // One more than the page: whether there is a next one. Sorted by repository, then name; a cursor is the last of a page.
  const { items: found, total } = await deps.store.queryEnvironments({ repositories: readable, ...filtersOf(query), ...(after && { after }), limit: limit + 1 });
  const page = found.slice(0, limit);
  const more = found.length > limit;
  const [allLocks, lastRuns] = await Promise.all([deps.store.listLocks(repository), deps.store.getRuns(page.flatMap((record) => (record.lastRunId === undefined ? [] : [record.lastRunId])))]);
  const locks = new Map(allLocks.map((lock): [string, LockRecord] => [`${lock.repository}\0${lock.environment}`, lock]));
  const runs = new Map(lastRuns.map((run) => [run.id, run]));
  const items = page.map((record) =>
    environmentSummaryView(record, { lock: locks.get(`${record.repository}\0${record.name}`), lastRun: record.lastRunId === undefined ? undefined : runs.get(record.lastRunId) }),
  );
  const last = page.at(-1);
  respondJson(res, 200, { items, total, nextCursor: more && last ? encodeCursor([last.repository, last.name]) : null });
}

async function getEnvironment(request: ApiRequest, res: Parameters<ApiRoute["handle"]>[1], deps: ApiDeps): Promise<void> {
  const environment = await requireAllowed(deps, request.principal, "read", environmentOfPath(request));
  const record = await deps.store.getEnvironment(environment.repository, environment.name);
  if (!record) throw notFound(`envbot has no environment ${environment.name} in ${environment.repository}`);
  const [locks, runs, certificates, neighbours] = await Promise.all([
    deps.store.listLocks(environment.repository),
    deps.store.listRuns(environment.repository, environment.name, 20),
    deps.store.listCertificates(environment.repository, environment.name),
    deps.store.listEnvironments(environment.repository),
  ]);
  const lock = locks.find((l) => l.environment === environment.name);
  respondJson(res, 200, environmentDetailView(record, { lock, runs, certificates: certificates.map(certificateView), dependencies: { ...recordedDependencies(record, neighbours), graph: formatDependencyGraph(repositoryDependencies(neighbours), record.name) } }));
}

export const environmentRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/environments", handle: listEnvironments },
  { method: "GET", path: "/api/v1/environments/{owner}/{repo}/{name}", handle: getEnvironment },
];
