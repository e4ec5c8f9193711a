import type { RunRecord, StateLockCleanup, Store, TerraformRunner } from "../ports/index.js";
import { DEFAULT_LEASE_TTL_MS, environmentKey } from "./environment-lease.js";
import { wholeSeconds } from "./standard-tags.js";
import { domainEvent } from "../events/domain-event.js";

type RecoveryDeps = { store: Store; terraform: Pick<TerraformRunner, "releaseAbandonedStateLock">; leaseTtlMs?: number };

/**
 * Closes the runs whose process is gone. Every run executes under its environment's lease, so a
 * run still marked running whose lease can be taken has nobody behind it any more (a holder that
 * died keeps the lease until it expires, so a live one is never touched; call again later for
 * those). Returns the runs it closed.
 */
export async function recoverInterruptedRuns(deps: RecoveryDeps): Promise<RunRecord[]> {
  const { store } = deps;
  const recovered: RunRecord[] = [];
  for (const run of await store.listUnfinishedRuns()) {
    const held = await store.acquireLease(environmentKey(run.repository, run.environment), "envbot recovery", deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS);
    if (!held.acquired) continue;
    try {
      const closed = await closeInterruptedRun(deps, run);
      if (closed) recovered.push(closed);
    } finally {
      await store.releaseLease(held.lease);
    }
  }
  return recovered;
}

/**
 * Ends a run whose process stopped, as interrupted; the caller holds the environment's lease.
 * An environment left applying or destroying becomes failed, and an interrupted first apply
 * still counts as applied, so expiry and destroy cover what it may have created. The state lock
 * the stopped Terraform left is released (or the run says how). Undefined when the run had
 * finished meanwhile.
 */
export async function closeInterruptedRun(deps: RecoveryDeps, run: RunRecord): Promise<RunRecord | undefined> {
  const { store } = deps;
  if ((await store.getRun(run.id))?.outcome !== "running") return undefined;
  const changing = run.kind === "apply" || run.kind === "destroy";
  const lock = changing ? await deps.terraform.releaseAbandonedStateLock(run.repository, run.environment).catch((error: unknown): StateLockCleanup => ({ kind: "manual", howTo: `envbot could not check the state lock: ${(error as Error).message}` })) : { kind: "none" as const };
  const reason = interruptedReason(run, lock);
  const event = domainEvent({ type: "run-interrupted", repository: run.repository, environment: run.environment, actor: run.actor, runId: run.id, kind: run.kind, reason }, new Date());
  const finished = await store.finishRun(run.id, { outcome: "interrupted", error: reason, audit: { actor: run.actor, source: "recovery", detail: "the process that ran it stopped" } }, [event]);
  const record = await store.getEnvironment(run.repository, run.environment);
  if (record && (record.status === "applying" || record.status === "destroying")) {
    const firstApplied = record.firstAppliedAt === undefined && run.kind === "apply" ? { firstAppliedAt: wholeSeconds(run.startedAt) } : {};
    await store.upsertEnvironment({ repository: run.repository, name: run.environment, status: "failed", ...firstApplied, lastRunId: finished.id });
  }
  return finished;
}

function interruptedReason(run: RunRecord, lock: StateLockCleanup): string {
  const what = run.kind === "plan" || run.kind === "drift" ? "nothing was changed" : "the environment may be partly changed";
  const lockNote = lock.kind === "released" ? ` envbot released the state lock it left (ID ${lock.lockId}).` : lock.kind === "manual" ? ` State lock: ${lock.howTo}.` : "";
  return `interrupted: the envbot process running this ${run.kind} stopped before Terraform finished; ${what}.${lockNote} Plan it again to see where it stands.`;
}
