import type { ServerResponse } from "node:http";
import type { JobQueue, Store } from "../../core/ports.js";
import { respondJson } from "../http/respond-json.js";

/** GET /api/v1/health: the process answers. */
export function respondLiveness(res: ServerResponse): void {
  respondJson(res, 200, { status: "ok" });
}

/**
 * GET /api/v1/health/ready: 503 with the reason while the store cannot keep what is written or the
 * queue cannot keep or hand out jobs (scale-out: the database is out of reach); the job queue's
 * depth (jobs waiting, jobs running) either way.
 */
export async function respondReadiness(res: ServerResponse, store: Store, queue?: Pick<JobQueue, "depth" | "health">): Promise<void> {
  const failed = (what: string) => (error: unknown) => ({ ok: false as const, reason: `the ${what} cannot be checked: ${(error as Error).name}` });
  const [storeHealth, queueHealth] = await Promise.all([store.health().catch(failed("store")), queue?.health ? queue.health().catch(failed("queue")) : { ok: true as const }]);
  const depth = queue ? { queue: queue.depth() } : {};
  const reasons = [storeHealth, queueHealth].flatMap((health) => (health.ok ? [] : [health.reason]));
  if (reasons.length === 0) respondJson(res, 200, { status: "ready", ...depth });
  else respondJson(res, 503, { status: "unavailable", reason: [...new Set(reasons)].join("; "), ...depth });
}
