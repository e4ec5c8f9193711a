import { StoreUnavailableError } from "../../../core/ports/index.js";

// What tells an unreachable database from a bad statement, without loading the pg driver: the
// embedded default uses these too (retries, messages), and never loads PostgreSQL's code.

/** "host:port/database" of a connection string, without user or password. */
export function describeConnection(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname}`;
  } catch {
    return "the configured database";
  }
}

/** SQLSTATE classes and codes of a server that is gone, starting or stopping; and socket errors. */
const CONNECTION_STATES = /^(08|57P0[1-3]|53300)/;
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH", "EAI_AGAIN"]);

/** Whether an error means the database cannot be reached (as opposed to a bad statement). */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== "object") return false;
  if (typeof e.code === "string" && (SOCKET_CODES.has(e.code) || CONNECTION_STATES.test(e.code))) return true;
  const message = typeof e.message === "string" ? e.message : "";
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly/.test(message);
}
