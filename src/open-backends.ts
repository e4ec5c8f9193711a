import path from "node:path";
import { inProcessQueue } from "./adapters/queue/in-process-queue.js";
import { isConnectionError } from "./adapters/store/postgres/connection-errors.js";
import { ProviderUnreachableError } from "./core/terraform/index.js";
import { openSqliteStore } from "./adapters/store/sqlite/index.js";
import type { JobQueue, QueuedJob, Store } from "./core/ports.js";
import type { Settings } from "./settings.js";

/** The store and the queue: SQLite and the in-process queue embedded; PostgreSQL and pg-boss in scale-out. */
export interface Backends {
  store: Store;
  queue: JobQueue & { stop?(graceMs: number): Promise<void> };
  /** "embedded" or "scale-out", for the start-up line. */
  mode: "embedded" | "scale-out";
}

/**
 * Failures of a job worth another attempt, later and maybe on another worker: the database,
 * GitHub, a provider's API or the state backend out of reach (refused, no answer, GitHub 5xx).
 * A plan that failed on the user's code or on bad credentials is never one: retrying cannot mend it.
 */
export function isRetryableFailure(error: unknown): boolean {
  if (isConnectionError(error) || error instanceof ProviderUnreachableError) return true;
  const status = (error as { name?: unknown; status?: unknown } | null)?.status;
  return (error as { name?: unknown } | null)?.name === "HttpError" && typeof status === "number" && (status >= 500 || status === 0);
}

/** Retries after the first attempt, and the first backoff (doubled each time, with jitter). */
const RETRY = { limit: 3, delaySeconds: 10 };

export async function openBackends(settings: Settings, log: { onJobError: (error: unknown, job: QueuedJob) => void; onQueueError: (error: unknown) => void }): Promise<Backends> {
  const onError = log.onJobError;
  if (settings.databaseUrl === undefined) {
    const store = openSqliteStore({ file: path.join(settings.dataDir, "envbot.db") });
    return { store, queue: inProcessQueue({ concurrency: settings.concurrency, store, onError }), mode: "embedded" };
  }
  // Loaded only for scale-out: the embedded default never loads pg or pg-boss.
  const [{ openPostgresStore }, { pgBossQueue }] = await Promise.all([import("./adapters/store/postgres/postgres-store.js"), import("./adapters/queue/pg-boss-queue.js")]);
  const store = await openPostgresStore({ connectionString: settings.databaseUrl });
  const queue = await pgBossQueue({
    database: store.database,
    store,
    concurrency: settings.concurrency,
    leaseTtlMs: settings.leaseTtlMs,
    retry: { ...RETRY, isRetryable: isRetryableFailure },
    onError,
    onQueueError: log.onQueueError,
  });
  return { store, queue, mode: "scale-out" };
}
