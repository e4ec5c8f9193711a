import type { RunRecord, Store } from "../ports.js";
import { DEFAULT_LEASE_TTL_MS, environmentKey } from "./environment-lease.js";
import { wholeSeconds } from "./standard-tags.js";

/**
 * Closes the runs whose process is gone. Every run executes under its environment's lease, so a
 * run still marked running whose lease can be taken has nobody behind it any more (a holder that
 * died keeps the lease until it expires, so a live one is never touched). Such a run ends as
 * interrupted; an environment left applying or destroying becomes failed, and an interrupted
 * first apply still counts as applied, so expiry and destroy cover what it may have created.
 */
export async function recoverInterruptedRuns(deps: { store: Store; leaseTtlMs?: number }): Promise<RunRecord[]> {
  const { store } = deps;
  const recovered: RunRecord[] = [];
  for (const run of await store.listUnfinishedRuns()) {
    const held = await store.acquireLease(environmentKey(run.repository, run.environment), "envbot recovery", deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS);
    if (!held.acquired) continue;
    try {
      if ((await store.getRun(run.id))?.outcome !== "running") continue; // finished meanwhile
      const finished = await store.finishRun(run.id, { outcome: "interrupted", error: interruptedReason(run) });
      const record = await store.getEnvironment(run.repository, run.environment);
      if (record && (record.status === "applying" || record.status === "destroying")) {
        const { createdAt: _created, updatedAt: _updated, ...kept } = record;
        const firstAppliedAt = record.firstAppliedAt ?? (run.kind === "apply" ? wholeSeconds(run.startedAt) : undefined);
        await store.upsertEnvironment({ ...kept, status: "failed", firstAppliedAt, lastRunId: finished.id });
      }
      recovered.push(finished);
    } finally {
      await store.releaseLease(held.lease);
    }
  }
  return recovered;
}

function interruptedReason(run: RunRecord): string {
  const what = run.kind === "plan" || run.kind === "drift" ? "nothing was changed" : "the environment may be partly changed";
  return `interrupted: the envbot process running this ${run.kind} stopped before Terraform finished; ${what}. Plan it again to see where it stands.`;
}
