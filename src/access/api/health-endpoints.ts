import type { ServerResponse } from "node:http";
import type { JobQueue, Store } from "../../core/ports.js";
import { respondJson } from "../http/respond-json.js";

/** GET /api/v1/health: the process answers. */
export function respondLiveness(res: ServerResponse): void {
  respondJson(res, 200, { status: "ok" });
}

/**
 * GET /api/v1/health/ready: 503 with the reason while the store cannot keep what is written; the
 * job queue's depth (jobs waiting, jobs running) either way.
 */
export async function respondReadiness(res: ServerResponse, store: Store, queue?: Pick<JobQueue, "depth">): Promise<void> {
  const health = await store.health().catch((error: unknown) => ({ ok: false as const, reason: `the store cannot be checked: ${(error as Error).name}` }));
  const depth = queue ? { queue: queue.depth() } : {};
  if (health.ok) respondJson(res, 200, { status: "ready", ...depth });
  else respondJson(res, 503, { status: "unavailable", reason: health.reason, ...depth });
}
