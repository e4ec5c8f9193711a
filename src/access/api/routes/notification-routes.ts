import type { ServerResponse } from "node:http";
import { canWrite } from "../../../core/authorization/authorize.js";
import { parkedView, targetView } from "../../../render/notification-text.js";
import { respondJson } from "../../http/respond-json.js";
import { readableRepositories, type ApiDeps } from "../api-deps.js";
import { apiActor, REPOSITORY_PATTERN, type ApiRequest } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";

/** Parked deliveries looked at per answer: the newest. */
const PARKED_SCAN = 500;
const PARKED_SHOWN = 50;

/**
 * GET /api/v1/notifications: what concerns the repositories the caller can read, and nothing
 * else: each target's deliveries of their events (waiting, parked, delivered, the newest error
 * of those) and their newest parked deliveries. Targets are named, never their addresses (which
 * are secrets); a target with nothing of theirs is not listed.
 */
async function getNotifications(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const parked = await deps.store.listParkedDeliveries({ limit: PARKED_SCAN });
  const readable = await readableRepositories(deps, request.principal, await deps.store.deliveryRepositories());
  const targets = readable.length === 0 ? [] : await deps.store.deliveryStatus({ repositories: readable });
  const shown = new Set(readable);
  respondJson(res, 200, {
    targets: targets.map(targetView),
    parked: parked.filter((d) => shown.has(d.event.repository)).slice(0, PARKED_SHOWN).map(parkedView),
  });
}

/**
 * POST /api/v1/notifications/retry {target?}: the parked deliveries (of one target) of every
 * repository the caller may write to wait again, tried at once; they arrive after the events
 * delivered meanwhile, each with its own time and id.
 */
async function retryNotifications(request: ApiRequest<object, { target?: string }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { target } = request.body;
  const parked = await deps.store.listParkedDeliveries({ limit: PARKED_SCAN * 10, ...(target !== undefined && { target }) });
  // An API token reaches only its repositories, and never beyond what its creator may do now.
  const scope = apiActor(request.principal).repositories;
  const candidates = [...new Set(parked.map((d) => d.event.repository))].filter((r) => REPOSITORY_PATTERN.test(r) && (scope === undefined || scope.includes(r)));
  const permissions = await Promise.all(candidates.map((repository) => deps.access.permissionOf(repository, request.principal.login)));
  const writable = candidates.filter((_, i) => canWrite(permissions[i]!));
  const retried = writable.length === 0 ? 0 : await deps.store.retryParkedDeliveries({ ...(target !== undefined && { target }), repositories: writable }, deps.now());
  for (const repository of writable) {
    await deps.store.recordAudit({ actor: request.principal.login, source: request.principal.via === "token" ? "api-token" : "api", action: "notifications.retry", repository, outcome: "accepted", detail: target ?? "every target" });
  }
  respondJson(res, 200, { retried, repositories: writable });
}

export const notificationRoutes: ApiRoute[] = [
  { method: "GET", path: "/api/v1/notifications", handle: getNotifications },
  { method: "POST", path: "/api/v1/notifications/retry", handle: retryNotifications },
];
