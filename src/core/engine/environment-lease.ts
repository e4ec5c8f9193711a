import { actorText } from "../authorization/actor.js";
import type { Environment } from "../environment/index.js";
import { runStart } from "./operation-records.js";
import { handedOn, type LeaseRecord, type RunKind, type RunRecord, type Store } from "../ports/index.js";
import type { EngineDeps, OperationContext } from "./engine-deps.js";

/** The key of the one-Terraform-operation-at-a-time rule. */
export function environmentKey(repository: string, environment: string): string {
  return `${repository}:${environment}`;
}

/** A lease lives this long unless renewed: a crashed holder frees its environment by then. */
export const DEFAULT_LEASE_TTL_MS = 2 * 60_000;
/** How often a waiting operation asks again. */
const POLL_MS = 1000;

/** Another operation held the environment for longer than the caller would wait. */
export class EnvironmentBusyError extends Error {
  override name = "EnvironmentBusyError";
  constructor(readonly heldBy: LeaseRecord) {
    super(`another operation on this environment is running (${heldBy.holder}, since ${heldBy.acquiredAt.toISOString()}); try again when it is done`);
  }
}

/**
 * Runs `work` as the one Terraform operation of an environment, across every process and
 * machine that shares the store: waits (saying for whom, once) while another holds the lease,
 * renews it while `work` runs, and releases it after. Terraform's own state lock stays as the
 * second guard.
 */
export function withEnvironmentLease<T>(
  store: Pick<Store, "acquireLease" | "renewLease" | "releaseLease">,
  input: { repository: string; environment: string; holder: string; signal?: AbortSignal; maxWaitMs: number; ttlMs?: number; onWaiting?: (heldBy: LeaseRecord) => void },
  work: () => Promise<T>,
): Promise<T> {
  return withLease(store, { ...input, key: environmentKey(input.repository, input.environment) }, work);
}

/**
 * Runs `work` holding the store's lease `key`: waits while another holds it (telling `onWaiting`
 * once, giving up with EnvironmentBusyError after `maxWaitMs` or when `signal` aborts), renews it
 * while `work` runs and releases it after. A holder that dies frees it when it expires.
 */
export async function withLease<T>(
  store: Pick<Store, "acquireLease" | "renewLease" | "releaseLease">,
  input: { key: string; holder: string; signal?: AbortSignal; maxWaitMs: number; ttlMs?: number; pollMs?: number; onWaiting?: (heldBy: LeaseRecord) => void },
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const ttlMs = input.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  let told = false;
  for (;;) {
    const result = await store.acquireLease(input.key, input.holder, ttlMs);
    if (result.acquired) return runRenewing(store, result.lease, ttlMs, work);
    if (!told) input.onWaiting?.(result.heldBy);
    told = true;
    if (input.signal?.aborted || Date.now() - started >= input.maxWaitMs) throw new EnvironmentBusyError(result.heldBy);
    await new Promise((resolve) => setTimeout(resolve, input.pollMs ?? POLL_MS));
  }
}

/** Renews the lease a quarter of its life at a time, well before it could expire, while `work` runs. */
async function runRenewing<T>(store: Pick<Store, "renewLease" | "releaseLease">, lease: LeaseRecord, ttlMs: number, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void store.renewLease(lease, ttlMs).catch(() => undefined), Math.max(ttlMs / 4, 10));
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await store.releaseLease(lease).catch(() => undefined);
  }
}

/** How long an operation waits for another on the same environment unless told: one Terraform command's timeout. */
export const DEFAULT_LEASE_WAIT_MS = 30 * 60_000;

/**
 * An engine operation (plan, apply, destroy, drift) under its environment's lease. When the
 * environment stays busy past the wait, the run is recorded as failed with who held it.
 */
export async function leasedOperation<T extends { ok: boolean }>(
  deps: EngineDeps,
  context: OperationContext,
  environment: Environment,
  kind: RunKind,
  body: () => Promise<T>,
): Promise<T | { ok: false; run: RunRecord; reason: string; details: string }> {
  // Its job is handed on already (the worker is stopping): nothing new starts here, not even an
  // apply of the plan just made; the next attempt does it.
  if (handedOn(context.signal)) throw context.signal!.reason;
  try {
    return await withEnvironmentLease(
      deps.store,
      {
        repository: context.repository,
        environment: environment.name,
        holder: `${actorText(context.actor)} ${kind}`,
        signal: context.signal,
        maxWaitMs: deps.leaseWaitMs ?? DEFAULT_LEASE_WAIT_MS,
        ttlMs: deps.leaseTtlMs,
        onWaiting: (heldBy) => context.onOutput?.(`waiting: ${environment.name} is busy with ${heldBy.holder} since ${heldBy.acquiredAt.toISOString()}`),
      },
      body,
    );
  } catch (error) {
    // Stopped waiting because the job is handed on: no run to record, the next attempt waits again.
    if (handedOn(context.signal)) throw context.signal!.reason;
    if (!(error instanceof EnvironmentBusyError)) throw error;
    const started = await deps.store.startRun(runStart(context, environment, kind));
    const run = await deps.store.finishRun(started.id, { outcome: "failed", error: error.message });
    return { ok: false, run, reason: error.message, details: "" };
  }
}
