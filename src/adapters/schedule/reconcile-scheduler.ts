import { randomUUID } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import type { Store } from "../../core/ports/index.js";
import type { SweepKind } from "../../core/reconciling/index.js";

export interface ScheduledRepository {
  repository: string;
  installationId: number;
  defaultBranch: string;
}

export interface ReconcileSchedulerDeps {
  store: Store;
  /** Every repository the App is installed on. */
  listRepositories(): Promise<ScheduledRepository[]>;
  /** The cron expressions of .github/envbot.yml (schedules.expiry, schedules.drift, and the opt-in schedules.orphans). */
  schedulesOf(repository: ScheduledRepository): Promise<Partial<Record<SweepKind, string>>>;
  sweep(repository: ScheduledRepository, kind: SweepKind): Promise<void>;
  log: { info(message: string): void; error(message: string, error?: unknown): void };
  /** How often the installed repositories and their schedules are read again. */
  refreshIntervalMs?: number;
}

/** A sweep lock older than this belongs to a replica that died mid-sweep: it may be taken over. */
export const SWEEP_LOCK_STALE_MS = 2 * 3600_000;
const DEFAULT_REFRESH_MS = 15 * 60_000;
const SWEEP_KINDS: readonly SweepKind[] = ["expiry", "drift", "orphans"];
/** How long the claim of one firing is kept: under a minute, and far longer than replicas' clocks differ. */
const OCCURRENCE_CLAIM_MS = 50_000;

/**
 * Runs the expiry, drift and (opted into) orphan sweeps of every installed repository on the schedules of its
 * .github/envbot.yml. A sweep never overlaps itself: in this process by a running set, across
 * replicas by a lock in the shared store. Nothing is kept in memory that a restart would need:
 * the schedules are read again on start, and what sweeps did is in the store.
 */
export function reconcileScheduler(deps: ReconcileSchedulerDeps) {
  const instance = `scheduler:${randomUUID()}`;
  const tasks = new Map<string, { expression: string; task: ScheduledTask }>();
  const running = new Set<string>();
  let refreshTimer: NodeJS.Timeout | undefined;

  /**
   * Runs a sweep now unless one of the same repository and kind runs (here or in another replica).
   * `firedAt`: the schedule fired; of the replicas it fired in, the first to claim the firing
   * sweeps and the others skip, even when the first is done before they look (cron schedules
   * fire at most once a minute; replicas' clocks may differ by up to OCCURRENCE_CLAIM_MS).
   */
  async function runNow(repository: ScheduledRepository, kind: SweepKind, firedAt?: Date): Promise<"done" | "skipped"> {
    const key = `${repository.repository}:${kind}`;
    if (running.has(key)) return "skipped";
    running.add(key);
    try {
      if (firedAt) {
        // Never released: it expires on its own after every replica's schedule fired for this
        // minute, and before the next minute's firing looks.
        const claim = await deps.store.acquireLease(`${repository.repository}:sweep:${kind}:fired`, instance, OCCURRENCE_CLAIM_MS);
        if (!claim.acquired) return "skipped";
      }
      // A lease of its own per repository and sweep, across replicas; a replica that died
      // mid-sweep frees it after SWEEP_LOCK_STALE_MS.
      const lease = await deps.store.acquireLease(`${repository.repository}:sweep:${kind}`, instance, SWEEP_LOCK_STALE_MS);
      if (!lease.acquired) return "skipped";
      try {
        deps.log.info(`${kind} sweep of ${repository.repository} started`);
        await deps.sweep(repository, kind);
        deps.log.info(`${kind} sweep of ${repository.repository} finished`);
        return "done";
      } finally {
        await deps.store.releaseLease(lease.lease);
      }
    } catch (error) {
      deps.log.error(`${kind} sweep of ${repository.repository} failed`, error);
      return "done";
    } finally {
      running.delete(key);
    }
  }

  async function refresh(): Promise<void> {
    const seen = new Set<string>();
    for (const repository of await deps.listRepositories()) {
      const schedules = await deps.schedulesOf(repository).catch((error: unknown) => {
        deps.log.error(`cannot read the schedules of ${repository.repository}`, error);
        return undefined;
      });
      if (!schedules) continue;
      for (const kind of SWEEP_KINDS) {
        const key = `${repository.repository}:${kind}`;
        const expression = schedules[kind];
        // A sweep the repository did not ask for (the orphan sweep is opt-in) is not scheduled.
        if (expression === undefined) continue;
        seen.add(key);
        if (tasks.get(key)?.expression === expression) continue;
        await tasks.get(key)?.task.destroy();
        if (!cron.validate(expression)) {
          deps.log.error(`${repository.repository}: schedules.${kind} '${expression}' is not a valid cron expression`);
          tasks.delete(key);
          continue;
        }
        tasks.set(key, { expression, task: cron.schedule(expression, () => runNow(repository, kind, new Date()), { name: key, noOverlap: true }) });
      }
    }
    for (const [key, { task }] of tasks) {
      if (!seen.has(key)) {
        await task.destroy();
        tasks.delete(key);
      }
    }
  }

  return {
    runNow,
    refresh,
    /** The cron expression per "owner/repo:kind", for inspection. */
    scheduled: () => new Map([...tasks].map(([key, { expression }]) => [key, expression])),
    async start(): Promise<void> {
      await refresh();
      refreshTimer = setInterval(() => void refresh().catch((error: unknown) => deps.log.error("refreshing schedules failed", error)), deps.refreshIntervalMs ?? DEFAULT_REFRESH_MS);
      refreshTimer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(refreshTimer);
      for (const { task } of tasks.values()) await task.destroy();
      tasks.clear();
    },
  };
}
