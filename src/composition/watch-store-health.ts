import type { Store } from "../core/ports/index.js";

/** How often the store is checked when nothing is written: a lost database shows in the log. */
export const STORE_CHECK_INTERVAL_MS = 60_000;

/**
 * Logs once when the store stops being able to keep what is written (a deleted database file),
 * even on an idle App; writes fail with the same reason meanwhile. Returns a stop function.
 */
export function watchStoreHealth(store: Store, log: { error(message: string): void }, intervalMs = STORE_CHECK_INTERVAL_MS): () => void {
  let reported = false;
  const timer = setInterval(() => {
    void store.health().then((health) => {
      if (health.ok || reported) return;
      reported = true;
      log.error(`envbot's store is unavailable: ${health.reason}`);
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
