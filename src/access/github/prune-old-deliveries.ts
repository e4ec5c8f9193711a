import type { Store } from "../../core/ports.js";

/**
 * How long a delivery id is kept to recognize a redelivery. GitHub offers redelivery of the
 * deliveries of the past 3 days; a week covers that with room to spare.
 */
export const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Pruning scans the table: once an hour keeps it small without a scan per webhook. */
export const DELIVERY_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

const lastPruned = new WeakMap<Store, number>();

/** Forgets the deliveries older than the retention, at most once an hour for each store. */
export async function pruneOldDeliveries(store: Store, now: Date): Promise<void> {
  const last = lastPruned.get(store);
  if (last !== undefined && now.getTime() - last < DELIVERY_PRUNE_INTERVAL_MS) return;
  lastPruned.set(store, now.getTime());
  await store.pruneDeliveries(new Date(now.getTime() - DELIVERY_RETENTION_MS));
}
