import { inProcessQueue } from "../adapters/queue/in-process-queue.js";
import { isConnectionError } from "../adapters/store/postgres/connection-errors.js";
import type { PostgresStore } from "../adapters/store/postgres/postgres-store.js";
import { ProviderUnreachableError } from "../core/terraform/index.js";
import { openSqliteStore } from "../adapters/store/sqlite/index.js";
import { StoreUnavailableError, type JobQueue, type QueuedJob, type Store } from "../core/ports/index.js";
import { sqliteFile, type Settings } from "../adapters/server-env/settings.js";
import { PROCESS_NAME } from "../adapters/server-env/process-name.js";

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
  try {
    const queue = await pgBossQueue({
      database: store.database,
      store,
      concurrency: settings.concurrency,
      leaseTtlMs: settings.leaseTtlMs,
      retry: { ...RETRY, isRetryable: isRetryableFailure },
      worker: PROCESS_NAME,
      onError,
      onQueueError: log.onQueueError,
    });
    return { store, queue, mode: "scale-out" };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

/** How long a start waits between attempts to reach PostgreSQL: doubling up to 30 s. */
const REACH_DELAYS_MS = [1000, 2000, 4000, 8000, 16_000, 30_000];
/** A wait that goes on is said again this often. */
const REACH_REMINDER_MS = 60_000;

/**
 * openBackends, waiting while PostgreSQL cannot be reached (it may start after envbot, or be
 * restarting), as envbot waits for it once running: said at once, then every minute. Any other
 * problem (a wrong password, a schema from a newer envbot) ends the start with its message.
 */
export async function openBackendsWhenReachable(
  settings: Settings,
  log: Parameters<typeof openBackends>[1] & { waiting(message: string): void },
  delaysMs: readonly number[] = REACH_DELAYS_MS,
): Promise<Backends> {
  const since = Date.now();
  let lastSaid = -Infinity;
  for (let attempt = 0; ; attempt++) {
    try {
      return await openBackends(settings, log);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError || isConnectionError(error))) throw error;
      const delay = delaysMs[Math.min(attempt, delaysMs.length - 1)]!;
      if (Date.now() - lastSaid >= REACH_REMINDER_MS) {
        lastSaid = Date.now();
        const waited = Math.round((Date.now() - since) / 1000);
        const reason = (error as Error).message.replace(/; envbot carries on when it is back$/, "");
        log.waiting(`${reason}; envbot starts once it is reached (waited ${waited} s so far; trying again in ${Math.round(delay / 1000)} s)`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
