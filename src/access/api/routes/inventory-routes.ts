import type { ServerResponse } from "node:http";
import { foundResourceView, inventoryView, unknownEnvironmentText } from "../../../render/inventory-text.js";
import { respondJson } from "../../http/respond-json.js";
import { knownReadableRepositories, requireAllowed, type ApiDeps } from "../api-deps.js";
import { badRequest, notFound } from "../api-problem.js";
import { onlyKnownQuery, pageSize, queryValue, type ApiRequest } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";
import { environmentOfPath } from "./environment-routes.js";

/** The longest search: an ARN is at most 2048 characters, but what people look for is far shorter. */
export const MAX_RESOURCE_QUERY = 512;

/**
 * GET /api/v1/environments/{owner}/{repo}/{name}/inventory: the resources the environment held
 * after its last apply, by address, and their dependencies as a Mermaid flowchart. 404 when the
 * caller cannot read the repository, or envbot has no such environment.
 */
async function getInventory(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  onlyKnownQuery(request.query, []);
  const environment = await requireAllowed(deps, request.principal, "read", environmentOfPath(request));
  const record = await deps.store.getEnvironment(environment.repository, environment.name);
  if (!record) throw notFound(unknownEnvironmentText(environment.name, environment.repository));
  respondJson(res, 200, inventoryView(await deps.store.listInventory(environment.repository, environment.name)));
}

/**
 * GET /api/v1/resources?q=QUERY[&repository=OWNER/NAME][&limit=N]: the resources of any
 * environment the caller can see (of one repository) that answer the query: an ARN, a cloud
 * id, a type, an address, an attribute's value, or KEY=VALUE (see matchResource).
 */
async function findResources(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  onlyKnownQuery(request.query, ["q", "repository", "limit"]);
  const query = queryValue(request.query, "q");
  if (query === undefined || query.length === 0 || query.length > MAX_RESOURCE_QUERY) {
    throw badRequest("query.q", `what to look for, 1 to ${MAX_RESOURCE_QUERY} characters: an ARN, a cloud id, a type, an address, an attribute's value, or KEY=VALUE`);
  }
  const limit = pageSize(request.query);
  const repositories = await knownReadableRepositories(deps, request.principal, request.query);
  const found = repositories.length === 0 ? [] : await deps.store.findResources(query, { repositories, limit });
  respondJson(res, 200, { items: found.map(foundResourceView) });
}

/**
 * GET /api/v1/orphans[?repository=OWNER/NAME]: what the latest orphan sweep of each repository
 * the caller can read found (schedules.orphans): resources tagged for its environments that no
 * environment's state holds. Repositories never swept are left out.
 */
async function listOrphans(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  onlyKnownQuery(request.query, ["repository"]);
  const repositories = await knownReadableRepositories(deps, request.principal, request.query);
  const sweeps = repositories.length === 0 ? [] : await deps.store.listOrphanSweeps(repositories);
  respondJson(res, 200, { items: sweeps.map((sweep) => ({ ...sweep, sweptAt: sweep.sweptAt.toISOString() })) });
}

export const inventoryRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/orphans", handle: listOrphans },
  { method: "GET", path: "/api/v1/environments/{owner}/{repo}/{name}/inventory", handle: getInventory },
  { method: "GET", path: "/api/v1/resources", handle: findResources },
];
