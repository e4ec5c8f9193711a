import type { Store } from "../../core/ports/index.js";

/**
 * How long a delivery id is kept to recognize a redelivery. GitHub offers redelivery of the
 * deliveries of the past 3 days; a week covers that with room to spare.
 */
export const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** How long a finished run's whole log is kept; its excerpt (the last lines) stays with the run. */
export const RUN_LOG_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Pruning scans the table: once an hour keeps it small without a scan per webhook. */
export const DELIVERY_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

const lastPruned = new WeakMap<Store, number>();

/**
 * Forgets the deliveries older than their retention and the whole logs of runs finished more
 * than 30 days ago, at most once an hour for each store.
 */
export async function pruneOldDeliveries(store: Store, now: Date): Promise<void> {
  const last = lastPruned.get(store);
  if (last !== undefined && now.getTime() - last < DELIVERY_PRUNE_INTERVAL_MS) return;
  lastPruned.set(store, now.getTime());
  await store.pruneDeliveries(new Date(now.getTime() - DELIVERY_RETENTION_MS));
  await store.pruneRunLogs(new Date(now.getTime() - RUN_LOG_RETENTION_MS));
}

/**
 * Prunes on its own schedule as well, every `everyMs` (an hour by default): an installation that
 * only sweeps, and sends no webhooks, still forgets old deliveries and logs. Returns the stop.
 */
export function schedulePruning(store: Store, options: { now: () => Date; onError: (error: unknown) => void; everyMs?: number }): () => void {
  const timer = setInterval(() => void pruneOldDeliveries(store, options.now()).catch(options.onError), options.everyMs ?? DELIVERY_PRUNE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
