import { inProcessQueue } from "../adapters/queue/in-process-queue.js";
import { isConnectionError } from "../adapters/store/postgres/connection-errors.js";
import type { PostgresStore } from "../adapters/store/postgres/postgres-store.js";
import { ProviderUnreachableError } from "../core/terraform/index.js";
import { openSqliteStore } from "../adapters/store/sqlite/index.js";
import type { JobQueue, QueuedJob, Store } from "../core/ports/index.js";
import { sqliteFile, type Settings } from "../adapters/server-env/settings.js";

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

/**
 * The store the settings name, for every process that reads or writes records (the server, the
 * workers, the command line): the SQLite file in the data directory, or with ENVBOT_DATABASE_URL
 * the fleet's PostgreSQL, so leases, records and audit are one for all of them.
 */
export type OpenedStore = { mode: "embedded"; store: Store } | { mode: "scale-out"; store: PostgresStore };

export async function openStore(settings: Settings): Promise<OpenedStore> {
  if (settings.databaseUrl === undefined) return { mode: "embedded", store: openSqliteStore({ file: sqliteFile(settings) }) };
  // Loaded only for scale-out: the embedded default never loads pg.
  const { openPostgresStore } = await import("../adapters/store/postgres/postgres-store.js");
  return { mode: "scale-out", store: await openPostgresStore({ connectionString: settings.databaseUrl }) };
}


export async function openBackends(settings: Settings, log: { onJobError: (error: unknown, job: QueuedJob) => void; onQueueError: (error: unknown) => void }): Promise<Backends> {
  const onError = log.onJobError;
  const opened = await openStore(settings);
  if (opened.mode === "embedded") {
    const { store } = opened;
    return { store, queue: inProcessQueue({ concurrency: settings.concurrency, store, onError }), mode: "embedded" };
  }
  // Loaded only for scale-out: the embedded default never loads pg-boss.
  const { pgBossQueue } = await import("../adapters/queue/pg-boss-queue.js");
  const { store } = opened;
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
