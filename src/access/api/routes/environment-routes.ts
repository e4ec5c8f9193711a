import type { EnvironmentRecord, EnvironmentStatus, LockRecord } from "../../../core/ports/index.js";
import { respondJson } from "../../http/respond-json.js";
import { queryRepository, readableRepositories, requireAllowed, type ApiDeps } from "../api-deps.js";
import { notFound } from "../api-problem.js";
import { decodeCursor, encodeCursor, type ApiRequest, type Paged } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";
import { environmentDetailView, environmentSummaryView } from "../api-views.js";
import { certificateView } from "../../../render/certificate-view.js";

export const ENVIRONMENT_STATUSES: readonly EnvironmentStatus[] = ["planned", "applying", "active", "expiring", "destroying", "destroyed", "failed"];

/** The environment a path names (/environments/{owner}/{repo}/{name}) as written (see requireAllowed for GitHub's spelling). */
export function environmentOfPath(request: ApiRequest): { repository: string; name: string } {
  const { owner, repo, name } = request.params as { owner: string; repo: string; name: string };
  return { repository: `${owner}/${repo}`, name };
}

type Filter = (record: EnvironmentRecord) => boolean;

/** The list's filters, as the document's schemas give them. */
type EnvironmentQuery = { owner?: string; template?: string; status?: EnvironmentStatus[]; label?: string[]; expiringBefore?: string; drifted?: boolean; q?: string };

function filtersOf(query: EnvironmentQuery): Filter[] {
  const filters: Filter[] = [];
  const { owner, template, status, expiringBefore, drifted, q } = query;
  if (owner !== undefined) {
    const wanted = owner.replace(/^@/, "").toLowerCase();
    filters.push((record) => record.owner.replace(/^@/, "").toLowerCase() === wanted);
  }
  if (template !== undefined) filters.push((record) => record.template === template);
  if (status !== undefined) filters.push((record) => status.includes(record.status));
  for (const label of query.label ?? []) {
    const [key = "", ...value] = label.split("=");
    const wanted = value.length > 0 ? value.join("=") : undefined;
    filters.push((record) => record.labels !== undefined && Object.hasOwn(record.labels, key) && (wanted === undefined || record.labels[key] === wanted));
  }
  if (expiringBefore !== undefined) {
    const at = new Date(expiringBefore);
    filters.push((record) => record.expiresAt !== undefined && record.expiresAt < at && record.status !== "destroyed");
  }
  if (drifted !== undefined) filters.push((record) => (record.driftFingerprint !== undefined) === drifted);
  if (q !== undefined) {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    filters.push((record) => {
      const haystack = `${record.repository} ${record.name} ${record.owner} ${record.template} ${record.status} ${record.description ?? ""}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
  }
  return filters;
}

const isPosition = (value: unknown): value is [string, string] => Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string");

async function listEnvironments(request: ApiRequest<EnvironmentQuery & Paged & { repository?: string }>, res: Parameters<ApiRoute["handle"]>[1], deps: ApiDeps): Promise<void> {
  const { query } = request;
  const filters = filtersOf(query);
  const repository = await queryRepository(deps, query.repository);
  const { limit } = query;
  const after = decodeCursor(query.cursor, isPosition);
  const records = await deps.store.listEnvironments(repository);
  const readable = new Set(await readableRepositories(deps, request.principal, [...new Set(records.map((r) => r.repository))]));
  const matching = records.filter((record) => readable.has(record.repository) && filters.every((keep) => keep(record)));
  // Sorted by repository, then name (the store's order): a cursor is the last of a page.
  const start = after === undefined ? 0 : matching.findIndex((r) => r.repository > after[0] || (r.repository === after[0] && r.name > after[1]));
  const page = start < 0 ? [] : matching.slice(start, start + limit);
  const more = start >= 0 && start + limit < matching.length;
  const locks = new Map((await deps.store.listLocks(repository)).map((lock): [string, LockRecord] => [`${lock.repository}\0${lock.environment}`, lock]));
  const items = await Promise.all(
    page.map(async (record) =>
      environmentSummaryView(record, {
        lock: locks.get(`${record.repository}\0${record.name}`),
        lastRun: record.lastRunId === undefined ? undefined : await deps.store.getRun(record.lastRunId),
      }),
    ),
  );
  const last = page.at(-1);
  respondJson(res, 200, { items, total: matching.length, nextCursor: more && last ? encodeCursor([last.repository, last.name]) : null });
}

async function getEnvironment(request: ApiRequest, res: Parameters<ApiRoute["handle"]>[1], deps: ApiDeps): Promise<void> {
  const environment = await requireAllowed(deps, request.principal, "read", environmentOfPath(request));
  const record = await deps.store.getEnvironment(environment.repository, environment.name);
  if (!record) throw notFound(`envbot has no environment ${environment.name} in ${environment.repository}`);
  const [locks, runs, certificates] = await Promise.all([
    deps.store.listLocks(environment.repository),
    deps.store.listRuns(environment.repository, environment.name, 20),
    deps.store.listCertificates(environment.repository, environment.name),
  ]);
  const lock = locks.find((l) => l.environment === environment.name);
  respondJson(res, 200, environmentDetailView(record, { lock, runs, certificates: certificates.map(certificateView) }));
}

export const environmentRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/environments", handle: listEnvironments },
  { method: "GET", path: "/api/v1/environments/{owner}/{repo}/{name}", handle: getEnvironment },
];
