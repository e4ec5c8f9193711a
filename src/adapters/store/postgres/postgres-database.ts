import pg from "pg";
import { StoreUnavailableError } from "../../../core/ports/index.js";
import { describeConnection, isConnectionError } from "./connection-errors.js";
import { postgresMigrations, type PostgresMigration } from "./postgres-migrations.js";

/** A query as pg runs it; both the pool and a transaction's client have one. */
export type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

/**
 * One PostgreSQL database shared by the store and the queue: a pool whose connections use envbot's
 * schema, and transactions. Connection failures come out as StoreUnavailableError with what to do.
 */
export interface PostgresDatabase {
  readonly schema: string;
  /** "host:port/database", never the password: for messages. */
  readonly where: string;
  query: Query;
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel`, on a connection of its own (LISTEN holds one),
   * connected again after it is lost. A notification sent while it was lost is not seen: callers
   * also poll.
   */
  listen(channel: string, onNotify: () => void): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** The database was migrated by a later envbot: running on it could corrupt or misread it. */
export class PostgresSchemaTooNewError extends Error {
  override name = "PostgresSchemaTooNewError";
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Every envbot process that migrates takes this advisory lock: one migrates, the others wait. */
const MIGRATION_LOCK = "envbot-schema-migrations";
/** How long a connection attempt may take before the operation fails as unavailable. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Connects (lazily, through a pool) and brings the schema up to date. Several processes may start
 * at once: the migrations run in one transaction under an advisory lock, and each re-reads the
 * version after taking it, so exactly one applies each step.
 */
export async function openPostgresDatabase(options: { connectionString: string; schema?: string; poolSize?: number; migrations?: readonly PostgresMigration[] }): Promise<PostgresDatabase> {
  const schema = options.schema ?? "envbot";
  if (!SCHEMA_NAME.test(schema)) throw new Error(`'${schema}' is not a PostgreSQL schema name envbot uses (lower-case letters, digits and _)`);
  const where = describeConnection(options.connectionString);
  const connection = {
    connectionString: options.connectionString,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Every connection works in envbot's schema; pg-boss qualifies its own tables.
    options: `-c search_path=${schema}`,
    // bigint ids (runs, outbox) fit a JavaScript number for far longer than envbot will run.
    types: { getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser },
  };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10 });
  const listeners = new Set<{ stop(): Promise<void> }>();
  // A connection lost while idle (the server restarted) must not crash the process: the pool
  // drops it and the next query connects again.
  pool.on("error", () => undefined);

  const unavailable = (error: unknown): never => {
    if (isConnectionError(error)) throw new StoreUnavailableError(`PostgreSQL at ${where} cannot be reached (${describeError(error)}); envbot carries on when it is back`);
    throw error;
  };
  const query: Query = (text, values) => pool.query(text, values).catch(unavailable);
  const database: PostgresDatabase = {
    schema,
    where,
    query,
    async transaction(work) {
      const client = await pool.connect().catch(unavailable);
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await work((text, values) => client.query(text, values));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
        return unavailable(error);
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, onNotify) {
      const listener = await listenOn({ ...connection, application_name: "envbot listen" }, channel, onNotify);
      const entry = {
        stop: async () => {
          listeners.delete(entry);
          await listener.stop();
        },
      };
      listeners.add(entry);
      return entry;
    },
    async close() {
      await Promise.all([...listeners].map((listener) => listener.stop()));
      await pool.end();
    },
  };
  try {
    await migrate(database, options.migrations ?? postgresMigrations);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return database;
}

/** How long a lost LISTEN connection waits before it connects again, at most. */
const RELISTEN_MAX_MS = 5000;

/** LISTEN on a client of its own, connected (again, with backoff) whenever it is not, until stopped. */
async function listenOn(config: pg.ClientConfig, channel: string, onNotify: () => void): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = 100;
  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    // A lost connection ends with an error, then "end": either one connects again.
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners();
      next.on("error", () => undefined);
      void next.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect().catch(() => undefined), delay);
      delay = Math.min(delay * 2, RELISTEN_MAX_MS);
    };
    client = next;
    next.on("error", lost);
    next.on("end", lost);
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      delay = 100;
      // Anything sent while it was away is unknown: one wake-up, as if something were sent.
      onNotify();
    } catch {
      // Unreachable now: tried again with backoff; the caller's polling carries on meanwhile.
      lost();
    }
  };
  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}

async function migrate(database: PostgresDatabase, migrations: readonly PostgresMigration[]): Promise<void> {
  const known = migrations.at(-1)?.version ?? 0;
  await database.transaction(async (query) => {
    await query("SELECT pg_advisory_xact_lock(hashtext($1))", [MIGRATION_LOCK]);
    await query(`CREATE SCHEMA IF NOT EXISTS ${database.schema}`);
    await query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await query<{ version: number }>("SELECT coalesce(max(version), 0)::integer AS version FROM schema_migrations");
    const found = rows[0]!.version;
    if (found > known) throw new PostgresSchemaTooNewError(`the database at ${database.where} (schema ${database.schema}) was written by a newer envbot (schema version ${found}); this envbot knows up to ${known}`);
    for (const migration of migrations) {
      if (migration.version <= found) continue;
      await query(migration.sql);
      await query("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)", [migration.version, migration.description]);
    }
  });
}

function describeError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ?? e.message ?? String(error);
}
