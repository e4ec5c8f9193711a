import type { ServerResponse } from "node:http";
import type { InstallationBudget, JobQueue, Store } from "../../core/ports/index.js";
import { respondJson } from "../http/respond-json.js";

type Health = { ok: true } | { ok: false; reason: string };

/** GET /api/v1/health: the process answers. */
export function respondLiveness(res: ServerResponse): void {
  respondJson(res, 200, { status: "ok" });
}

/**
 * GET /api/v1/health/ready: 503 with the reason while the store cannot keep what is written or the
 * queue cannot keep or hand out jobs (scale-out: the database is out of reach), or, in a process
 * that runs Terraform, its binary does not run; the job queue's depth (jobs waiting, jobs running)
 * either way, and each installation's GitHub request budget this process has heard of.
 */
export async function respondReadiness(
  res: ServerResponse,
  store: Store,
  queue?: Pick<JobQueue, "depth" | "health">,
  terraform?: () => Promise<Health>,
  githubBudget?: () => readonly InstallationBudget[],
): Promise<void> {
  const failed = (what: string) => (error: unknown) => ({ ok: false as const, reason: `the ${what} cannot be checked: ${(error as Error).name}` });
  const ok = { ok: true as const };
  const [storeHealth, queueHealth, terraformHealth] = await Promise.all([
    store.health().catch(failed("store")),
    queue?.health ? queue.health().catch(failed("queue")) : ok,
    terraform ? terraform().catch(failed("Terraform binary")) : ok,
  ]);
  const budgets = githubBudget?.() ?? [];
  // A low budget does not make the process unready (pull requests still go); it is shown.
  const depth = { ...(queue ? { queue: queue.depth() } : {}), ...(budgets.length > 0 ? { github: budgets.map((b) => ({ ...b, resetAt: b.resetAt.toISOString() })) } : {}) };
  const reasons = [storeHealth, queueHealth, terraformHealth].flatMap((health) => (health.ok ? [] : [health.reason]));
  if (reasons.length === 0) respondJson(res, 200, { status: "ready", ...depth });
  else respondJson(res, 503, { status: "unavailable", reason: [...new Set(reasons)].join("; "), ...depth });
}
