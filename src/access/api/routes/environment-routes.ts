import { NAME_PATTERN } from "../../../core/environment/index.js";
import type { EnvironmentRecord, EnvironmentStatus, LockRecord } from "../../../core/ports/index.js";
import { respondJson } from "../../http/respond-json.js";
import { queryRepository, readableRepositories, requireAllowed, type ApiDeps } from "../api-deps.js";
import { badRequest, notFound } from "../api-problem.js";
import { decodeCursor, encodeCursor, onlyKnownQuery, pageSize, queryValue, REPOSITORY_PATTERN, type ApiRequest } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";
import { environmentDetailView, environmentSummaryView } from "../api-views.js";

export const ENVIRONMENT_STATUSES: readonly EnvironmentStatus[] = ["planned", "applying", "active", "expiring", "destroying", "destroyed", "failed"];
const FILTERS = ["repository", "owner", "template", "status", "label", "expiringBefore", "drifted", "q", "limit", "cursor"] as const;

/** The environment a path names (/environments/{owner}/{repo}/{name}) as written, its parts checked (see requireAllowed for GitHub's spelling). */
export function environmentOfPath(request: ApiRequest): { repository: string; name: string } {
  const { owner, repo, name } = request.params as { owner: string; repo: string; name: string };
  const repository = `${owner}/${repo}`;
  if (!REPOSITORY_PATTERN.test(repository)) throw badRequest("path.repository", "not a GitHub repository (OWNER/NAME)");
  if (!NAME_PATTERN.test(name)) throw badRequest("path.name", "not an environment name (lowercase letters, digits and '-')");
  return { repository, name };
}

type Filter = (record: EnvironmentRecord) => boolean;

/** The list's filters, each checked: a bad one is a 400 naming it. */
function filtersOf(query: URLSearchParams): Filter[] {
  onlyKnownQuery(query, FILTERS);
  const filters: Filter[] = [];
  const owner = queryValue(query, "owner");
  if (owner !== undefined) {
    const wanted = owner.replace(/^@/, "").toLowerCase();
    if (wanted === "" || wanted.length > 100) throw badRequest("query.owner", "a GitHub user or team, like octocat or @acme/payments");
    filters.push((record) => record.owner.replace(/^@/, "").toLowerCase() === wanted);
  }
  const template = queryValue(query, "template");
  if (template !== undefined) {
    if (!NAME_PATTERN.test(template)) throw badRequest("query.template", "not a template name");
    filters.push((record) => record.template === template);
  }
  const status = queryValue(query, "status");
  if (status !== undefined) {
    const statuses = status.split(",");
    const unknown = statuses.filter((s) => !ENVIRONMENT_STATUSES.includes(s as EnvironmentStatus));
    if (unknown.length > 0) throw badRequest("query.status", `'${unknown[0]}' is not a status; one or more (comma-separated) of ${ENVIRONMENT_STATUSES.join(", ")}`);
    filters.push((record) => statuses.includes(record.status));
  }
  for (const label of query.getAll("label")) {
    const [key, ...value] = label.split("=");
    if (!key || !/^[A-Za-z0-9_./-]{1,63}$/.test(key)) throw badRequest("query.label", "KEY or KEY=VALUE, like cost-center=4711");
    const wanted = value.length > 0 ? value.join("=") : undefined;
    filters.push((record) => record.labels !== undefined && Object.hasOwn(record.labels, key) && (wanted === undefined || record.labels[key] === wanted));
  }
  const before = queryValue(query, "expiringBefore");
  if (before !== undefined) {
    const at = new Date(before);
    if (!/^\d{4}-\d\d-\d\dT/.test(before) || Number.isNaN(at.getTime())) throw badRequest("query.expiringBefore", "a date and time, like 2026-12-24T00:00:00Z");
    filters.push((record) => record.expiresAt !== undefined && record.expiresAt < at && record.status !== "destroyed");
  }
  const drifted = queryValue(query, "drifted");
  if (drifted !== undefined) {
    if (drifted !== "true" && drifted !== "false") throw badRequest("query.drifted", "true or false");
    filters.push((record) => (record.driftFingerprint !== undefined) === (drifted === "true"));
  }
  const text = queryValue(query, "q");
  if (text !== undefined) {
    if (text.length > 100) throw badRequest("query.q", "at most 100 characters");
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    filters.push((record) => {
      const haystack = `${record.repository} ${record.name} ${record.owner} ${record.template} ${record.status} ${record.description ?? ""}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
  }
  return filters;
}

const isPosition = (value: unknown): value is [string, string] => Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string");

async function listEnvironments(request: ApiRequest, res: Parameters<ApiRoute["handle"]>[1], deps: ApiDeps): Promise<void> {
  const filters = filtersOf(request.query);
  const repository = await queryRepository(deps, request.query);
  const limit = pageSize(request.query);
  const after = decodeCursor(request.query, isPosition);
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
  onlyKnownQuery(request.query, []);
  const environment = await requireAllowed(deps, request.principal, "read", environmentOfPath(request));
  const record = await deps.store.getEnvironment(environment.repository, environment.name);
  if (!record) throw notFound(`envbot has no environment ${environment.name} in ${environment.repository}`);
  const [locks, runs] = await Promise.all([deps.store.listLocks(environment.repository), deps.store.listRuns(environment.repository, environment.name, 20)]);
  const lock = locks.find((l) => l.environment === environment.name);
  respondJson(res, 200, environmentDetailView(record, { lock, runs }));
}

export const environmentRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/environments", handle: listEnvironments },
  { method: "GET", path: "/api/v1/environments/{owner}/{repo}/{name}", handle: getEnvironment },
];
