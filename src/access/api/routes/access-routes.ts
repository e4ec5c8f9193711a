import type { ServerResponse } from "node:http";
import { respondJson } from "../../http/respond-json.js";
import { knownReadableRepositories, queryRepository, requireAllowed, type ApiDeps } from "../api-deps.js";
import { ApiProblem, badRequest, notFound } from "../api-problem.js";
import { decodeCursor, encodeCursor, type ApiRequest, type Paged } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";
import { newApiToken } from "../api-tokens.js";
import { auditView, lockView, tokenView } from "../api-views.js";

/** Every repository envbot keeps environments of that the caller can see (the query's `repository` alone when given). */
function knownRepositories(request: ApiRequest<{ repository?: string }>, deps: ApiDeps): Promise<string[]> {
  return knownReadableRepositories(deps, request.principal, request.query.repository);
}

async function getSession(request: ApiRequest, res: ServerResponse): Promise<void> {
  const { principal } = request;
  respondJson(res, 200, principal.via === "session" ? { login: principal.login, via: "session", csrfToken: principal.csrf } : { login: principal.login, via: "token", csrfToken: null }, {
    headers: { "cache-control": "no-store" },
  });
}

async function listRepositories(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const repositories = await knownReadableRepositories(deps, request.principal, undefined);
  const items = await Promise.all(repositories.map(async (repository) => ({ repository, permission: await deps.access.permissionOf(repository, request.principal.login) })));
  respondJson(res, 200, { items });
}

async function listLocks(request: ApiRequest<{ repository?: string }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const only = await queryRepository(deps, request.query.repository);
  const readable = new Set(await knownRepositories(request, deps));
  const locks = (await deps.store.listLocks(only)).filter((lock) => readable.has(lock.repository));
  respondJson(res, 200, { items: locks.map(lockView) });
}

async function listAudit(request: ApiRequest<Paged & { repository?: string; environment?: string }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { environment, limit, cursor } = request.query;
  const beforeId = decodeCursor(cursor, (value): value is number => Number.isInteger(value) && (value as number) > 0);
  const repositories = await knownRepositories(request, deps);
  const entries = await deps.store.listAudit({ repositories, environment, beforeId, limit: limit + 1 });
  const page = entries.slice(0, limit);
  respondJson(res, 200, { items: page.map(auditView), nextCursor: entries.length > limit ? encodeCursor(page.at(-1)!.id) : null });
}

async function listTokens(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  respondJson(res, 200, { items: (await deps.store.listApiTokens(request.principal.login)).map(tokenView) });
}

/** POST /api/v1/tokens {name, repositories}: the token is in this answer only; envbot keeps its hash. */
async function createToken(request: ApiRequest<object, { name: string; repositories: string[] }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { name, repositories } = request.body;
  const canonical: string[] = [];
  for (const [i, repository] of repositories.entries()) {
    // A token never reaches further than its creator does now (and authorize checks again on use).
    const visible = await requireAllowed(deps, request.principal, "read", { repository }).catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) throw badRequest(`body.repositories[${i}]`, `you cannot see ${repository}`);
      throw error;
    });
    canonical.push(visible.repository);
  }
  const { token, hash } = newApiToken();
  const record = await deps.store.createApiToken({ hash, name: name.trim(), login: request.principal.login, repositories: [...new Set(canonical)] });
  for (const repository of record.repositories) {
    await deps.store.recordAudit({ actor: record.login, source: "dashboard", action: "token.create", repository, outcome: "accepted", detail: `token ${record.id} (${record.name})` });
  }
  respondJson(res, 201, { ...tokenView(record), token }, { headers: { "cache-control": "no-store" } });
}

async function revokeToken(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const id = request.params.id as number;
  const token = (await deps.store.listApiTokens(request.principal.login)).find((t) => t.id === id);
  if (!token || !(await deps.store.revokeApiToken(token.id, request.principal.login))) throw notFound(`you have no token ${id}`);
  deps.revocations.announce();
  for (const repository of token.repositories) {
    await deps.store.recordAudit({ actor: token.login, source: "dashboard", action: "token.revoke", repository, outcome: "accepted", detail: `token ${token.id} (${token.name})` });
  }
  res.writeHead(204).end();
}

/**
 * DELETE /api/v1/sessions: ends every session of the signed-in person, this one too, wherever
 * their cookies are (another browser, a copied cookie); open streams of those sessions end at once.
 */
async function endAllSessions(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const ended = await deps.store.endSessionsOf(request.principal.login);
  deps.revocations.announce();
  respondJson(res, 200, { ended }, { headers: { "cache-control": "no-store" } });
}

export const accessRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/session", handle: getSession },
  { method: "DELETE", path: "/api/v1/sessions", auth: "session", handle: endAllSessions },
  { method: "GET", path: "/api/v1/repositories", handle: listRepositories },
  { method: "GET", path: "/api/v1/locks", handle: listLocks },
  { method: "GET", path: "/api/v1/audit", handle: listAudit },
  { method: "GET", path: "/api/v1/tokens", auth: "session", handle: listTokens },
  { method: "POST", path: "/api/v1/tokens", auth: "session", handle: createToken },
  { method: "DELETE", path: "/api/v1/tokens/{id}", auth: "session", handle: revokeToken },
];
