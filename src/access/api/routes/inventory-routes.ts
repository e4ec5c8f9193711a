import type { ServerResponse } from "node:http";
import { certificateView } from "../../../render/certificate-view.js";
import { foundResourceView, inventoryView, unknownEnvironmentText } from "../../../render/inventory-text.js";
import { respondJson } from "../../http/respond-json.js";
import { knownReadableRepositories, requireAllowed, type ApiDeps } from "../api-deps.js";
import { notFound } from "../api-problem.js";
import type { ApiRequest } from "../api-request.js";
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
  const environment = await requireAllowed(deps, request.principal, "read", environmentOfPath(request));
  const record = await deps.store.getEnvironment(environment.repository, environment.name);
  if (!record) throw notFound(unknownEnvironmentText(environment.name, environment.repository));
  const certificates = await deps.store.listCertificates(environment.repository, environment.name);
  respondJson(res, 200, inventoryView(await deps.store.listInventory(environment.repository, environment.name), certificates.map(certificateView)));
}

/**
 * GET /api/v1/resources?q=QUERY[&repository=OWNER/NAME][&limit=N]: the resources of any
 * environment the caller can see (of one repository) that answer the query: an ARN, a cloud
 * id, a type, an address, an attribute's value, or KEY=VALUE (see matchResource).
 */
async function findResources(request: ApiRequest<{ q: string; repository?: string; limit: number }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { q: query, repository, limit } = request.query;
  const repositories = await knownReadableRepositories(deps, request.principal, repository);
  const found = repositories.length === 0 ? [] : await deps.store.findResources(query, { repositories, limit });
  respondJson(res, 200, { items: found.map(foundResourceView) });
}

/**
 * GET /api/v1/orphans[?repository=OWNER/NAME]: what the latest orphan sweep of each repository
 * the caller can read found (schedules.orphans): resources tagged for its environments that no
 * environment's state holds. Repositories never swept are left out.
 */
async function listOrphans(request: ApiRequest<{ repository?: string }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const repositories = await knownReadableRepositories(deps, request.principal, request.query.repository);
  const sweeps = repositories.length === 0 ? [] : await deps.store.listOrphanSweeps(repositories);
  respondJson(res, 200, { items: sweeps.map((sweep) => ({ ...sweep, sweptAt: sweep.sweptAt.toISOString() })) });
}

export const inventoryRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/orphans", handle: listOrphans },
  { method: "GET", path: "/api/v1/environments/{owner}/{repo}/{name}/inventory", handle: getInventory },
  { method: "GET", path: "/api/v1/resources", handle: findResources },
];
