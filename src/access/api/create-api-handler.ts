import { sameSecret } from "../http/same-secret.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { PermissionUnavailableError } from "../../core/authorization/authorize.js";
import { StoreUnavailableError } from "../../core/ports/index.js";
import { respondJson } from "../http/respond-json.js";
import type { ApiDeps } from "./api-deps.js";
import { ApiProblem, forbidden, respondProblem, unauthorized } from "./api-problem.js";
import type { ApiRoute } from "./api-route.js";
import { matchRoute } from "./api-route.js";
import { authenticateRequest } from "./authenticate-request.js";
import { openApiDocument } from "./openapi-document.js";
import { compileRequestValidators } from "./request-validation.js";
import { accessRoutes } from "./routes/access-routes.js";
import { costRoutes } from "./routes/cost-routes.js";
import { notificationRoutes } from "./routes/notification-routes.js";
import { environmentActionRoutes } from "./routes/environment-action-routes.js";
import { environmentRoutes } from "./routes/environment-routes.js";
import { inventoryRoutes } from "./routes/inventory-routes.js";
import { runRoutes } from "./routes/run-routes.js";

export const API_PREFIX = "/api/v1/";

/** Every route of /api/v1 but health (served by the HTTP server itself) and the document. */
export const apiRoutes: readonly ApiRoute[] = [...environmentRoutes, ...environmentActionRoutes, ...runRoutes, ...accessRoutes, ...notificationRoutes, ...inventoryRoutes, ...costRoutes];

export interface ApiHandlerOptions<Deps extends ApiDeps> {
  deps: Deps;
  routes?: readonly ApiRoute<Deps>[];
  log: { error(details: object, message: string): void };
}

/**
 * The REST API: authenticates each request (API token or session cookie), checks CSRF on a
 * session's state changes, runs the route and answers problems as RFC 9457 problem+json.
 * Resolves false for a path outside /api/v1/, which the caller answers.
 */
export function createApiHandler<Deps extends ApiDeps>(options: ApiHandlerOptions<Deps>): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { deps, log } = options;
  const routes = (options.routes ?? apiRoutes) as readonly ApiRoute<Deps>[];
  // Requests are checked against the schemas the document publishes: one source for their shapes.
  const validators = compileRequestValidators(openApiDocument);
  for (const route of routes) {
    if (!validators.has(`${route.method} ${route.path}`)) throw new Error(`${route.method} ${route.path} is not in the OpenAPI document (openapi-document.ts)`);
  }
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://envbot.invalid");
    if (!url.pathname.startsWith(API_PREFIX)) return false;
    const method = req.method ?? "GET";
    timeServer(res);
    try {
      if (url.pathname === "/api/v1/openapi.json") {
        if (method !== "GET") throw new ApiProblem(405, "Method Not Allowed", "GET the document", undefined, { allow: "GET" });
        respondJson(res, 200, openApiDocument, { headers: { "content-type": "application/openapi+json" } });
        return true;
      }
      const match = matchRoute(routes, method, url.pathname);
      if (match === undefined) throw new ApiProblem(404, "Not Found", `there is no ${url.pathname} in envbot's API (see /api/v1/openapi.json)`);
      if ("allowed" in match) throw new ApiProblem(405, "Method Not Allowed", `${url.pathname} takes ${match.allowed.join(", ")}`, undefined, { allow: match.allowed.join(", ") });
      const principal = await authenticateRequest(req, deps);
      if (!principal) throw unauthorized();
      if (match.route.auth === "session" && principal.via !== "session") throw forbidden("only a signed-in person can do this, not an API token");
      if (method !== "GET" && principal.via === "session" && !sameSecret(req.headers["x-csrf-token"], principal.csrf)) {
        throw forbidden("a change made with a session needs the X-CSRF-Token header (csrfToken of GET /api/v1/session)");
      }
      const valid = await validators.get(`${method} ${match.route.path}`)!({ params: match.params, query: url.searchParams, raw: req });
      await match.route.handle({ method, path: url.pathname, ...valid, raw: req, principal }, res, deps);
    } catch (error) {
      answerFailure(res, error, url.pathname, log);
    }
    return true;
  };
}

/**
 * Server-Timing on every answer: how long envbot took until it answered (for a stream, until
 * it started), which browsers' developer tools and the benchmark read.
 */
function timeServer(res: ServerResponse): void {
  const started = performance.now();
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    res.setHeader("server-timing", `app;dur=${(performance.now() - started).toFixed(1)}`);
    return writeHead(...args);
  }) as typeof res.writeHead;
}

function answerFailure(res: ServerResponse, error: unknown, instance: string, log: ApiHandlerOptions<ApiDeps>["log"]): void {
  if (res.headersSent) {
    // A stream that broke off: nothing more can be said on it.
    res.destroy();
    return;
  }
  if (error instanceof ApiProblem) return respondProblem(res, error, instance);
  if (error instanceof PermissionUnavailableError) {
    return respondProblem(res, new ApiProblem(503, "Service Unavailable", "GitHub could not be asked what you may see; try again shortly", undefined, { "retry-after": "10" }), instance);
  }
  if (error instanceof StoreUnavailableError) {
    return respondProblem(res, new ApiProblem(503, "Service Unavailable", "envbot's store cannot be reached; try again shortly", undefined, { "retry-after": "10" }), instance);
  }
  log.error({ err: error, path: instance }, "the API could not answer");
  respondProblem(res, new ApiProblem(500, "Internal Server Error", "envbot could not answer this request; the server log has the details"), instance);
}
