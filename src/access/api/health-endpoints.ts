import type { ServerResponse } from "node:http";
import type { Store } from "../../core/ports.js";
import { respondJson } from "../http/respond-json.js";

/** GET /api/v1/health: the process answers. */
export function respondLiveness(res: ServerResponse): void {
  respondJson(res, 200, { status: "ok" });
}

/** GET /api/v1/health/ready: 503 with the reason while the store cannot keep what is written. */
export async function respondReadiness(res: ServerResponse, store: Store): Promise<void> {
  const health = await store.health().catch((error: unknown) => ({ ok: false as const, reason: `the store cannot be checked: ${(error as Error).name}` }));
  if (health.ok) respondJson(res, 200, { status: "ready" });
  else respondJson(res, 503, { status: "unavailable", reason: health.reason });
}
