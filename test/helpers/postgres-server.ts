import { execFile, spawn } from "node:child_process";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port.js";

/** How long initdb may take (it writes a whole cluster; -N skips the fsyncs). */
const INITDB_TIMEOUT_MS = 60_000;
/** How long the server may take to accept connections after spawning (recovery, a busy CI machine). */
const STARTUP_DEADLINE_MS = 30_000;
const POLL_INTERVAL_MS = 200;
/** One psql call at most this long; connecting to a loopback server answers at once or not at all. */
const PSQL_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_S = 2;
/** How long `pg_ctl stop -m fast` waits for the server to exit; then stop() kills it. */
const STOP_WAIT_S = 10;
/** Keep at most this much of the server's log for error messages. */
const LOG_LIMIT = 16_384;
/** The database the connection string names; `postgres` stays the maintenance database. */
const DATABASE = "envbot";
const SUPERUSER = "postgres";
/**
 * PostgreSQL refuses to run as root (initdb, pg_ctl and postgres all check the effective uid).
 * When the tests run as root (containers, this machine), the server runs as `nobody`: it exists on
 * every Linux, unlike the `postgres` account a distribution package may or may not have created.
 */
const UNPRIVILEGED_USER = "nobody";

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:PORT/envbot?sslmode=disable`, trust authentication. */
  connectionString: string;
  port: number;
  stop(): Promise<void>;
  /**
   * Stops the server (fast shutdown: open sessions are cut) and starts it again on the same port
   * with the same data, after `downMs` of being down and `whileDown` has run: the outage a
   * deployment or a failover causes.
   */
  restart(options?: { downMs?: number; whileDown?: () => Promise<void> }): Promise<void>;
}

/** The user the server processes run as: none (ourselves) unless we are root. */
interface Identity {
  uid: number;
  gid: number;
}

/**
 * Starts a throwaway PostgreSQL server: a fresh cluster in a temporary directory (trust
 * authentication, UTF8), listening on 127.0.0.1 at a free port only, its unix socket inside that
 * directory, with an empty database `envbot`. Throws when the PostgreSQL binaries are not
 * installed: integration tests must fail, not skip.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const identity = await serverIdentity();
  const root = await mkdtemp(path.join(tmpdir(), "envbot-pg-"));
  const dataDir = path.join(root, "data");
  const socketDir = path.join(root, "socket");
  try {
    await mkdir(socketDir);
    // initdb creates dataDir itself (mode 0700, owned by the server user); the user must also be
    // able to reach root, so os.tmpdir() must be traversable by it (/tmp is).
    if (identity) for (const dir of [root, socketDir]) await chown(dir, identity.uid, identity.gid);
    await run("initdb", ["-D", dataDir, "-U", SUPERUSER, "-E", "UTF8", "--no-locale", "--auth-local=trust", "--auth-host=trust", "-N"], {
      identity,
      cwd: root,
      timeout: INITDB_TIMEOUT_MS,
    });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }

  const port = await freePort();
  const connection = (database: string) =>
    `postgresql://${SUPERUSER}@127.0.0.1:${port}/${database}?sslmode=disable`;
  let server = await launchServer({ dataDir, socketDir, root, port, identity, connection: connection("postgres") }).catch(async (error: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw error;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await server.shutdown();
      await rm(root, { recursive: true, force: true });
    })());

  const restart = async (options: { downMs?: number; whileDown?: () => Promise<void> } = {}): Promise<void> => {
    await server.shutdown();
    if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
    await options.whileDown?.();
    server = await launchServer({ dataDir, socketDir, root, port, identity, connection: connection("postgres") });
  };

  try {
    await queryPostgres(connection("postgres"), `CREATE DATABASE ${DATABASE}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { connectionString: connection(DATABASE), port, stop, restart };
}

/**
 * Runs `postgres` on an initialized cluster and waits until it accepts sessions. `shutdown` stops
 * it (fast: sessions are cut) and waits for it to exit, keeping the data.
 */
async function launchServer(options: { dataDir: string; socketDir: string; root: string; port: number; identity?: Identity; connection: string }): Promise<{ shutdown(): Promise<void> }> {
  const { dataDir, socketDir, root, port, identity } = options;
  // postgres itself rather than `pg_ctl start`: pg_ctl passes server options (-o) through a shell.
  const child = spawn(
    "postgres",
    [
      "-D", dataDir,
      "-p", String(port),
      "-c", "listen_addresses=127.0.0.1",
      "-c", `unix_socket_directories=${socketDir}`,
      // A throwaway cluster: durability only costs time.
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
      // Scale-out tests run several envbot processes, each with a pool.
      "-c", "max_connections=300",
    ],
    { cwd: root, env: serverEnv(), stdio: ["ignore", "pipe", "pipe"], ...identity },
  );

  let log = "";
  const collect = (chunk: string) => void (log = (log + chunk).slice(-LOG_LIMIT));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", collect);
  }
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  // Not events.once(): it rejects on "error", which would go unhandled when the binary is missing.
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null && spawnError === undefined;

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!running()) return;
      try {
        await run("pg_ctl", ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", String(STOP_WAIT_S)], { identity, cwd: root, timeout: (STOP_WAIT_S + 5) * 1000 });
      } catch {
        // Not started far enough to have written postmaster.pid, or it did not stop in time.
        child.kill("SIGKILL");
      }
      await exited;
    })());

  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  for (;;) {
    if (spawnError !== undefined) {
      await shutdown();
      throw binaryError("postgres", spawnError);
    }
    if (!running()) {
      await shutdown();
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log}`);
    }
    // Connecting, not just the open port: the server rejects sessions while it starts up.
    let lastError: unknown;
    try {
      await queryPostgres(options.connection, "SELECT 1");
      return { shutdown };
    } catch (error) {
      if (error instanceof ProgramError) {
        await shutdown();
        throw error;
      }
      lastError = error;
    }
    if (Date.now() > deadline) {
      await shutdown();
      throw new Error(`postgres did not accept connections on 127.0.0.1:${port} within ${STARTUP_DEADLINE_MS} ms (${(lastError as Error).message.trim()}); its log:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * Runs one SQL command with psql (as the current user: only the server refuses root) and returns
 * its rows, unaligned, without headers: one row a line, columns separated by `|`.
 */
export async function queryPostgres(connectionString: string, sql: string): Promise<string> {
  const url = new URL(connectionString);
  url.searchParams.set("connect_timeout", String(CONNECT_TIMEOUT_S));
  const { stdout } = await run("psql", ["-X", "-q", "-A", "-t", "-d", url.toString(), "-c", sql], {
    timeout: PSQL_TIMEOUT_MS,
  });
  return stdout.replace(/\n$/, "");
}

async function serverIdentity(): Promise<Identity | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const idOf = async (flag: "-u" | "-g") => Number((await run("id", [flag, UNPRIVILEGED_USER], { timeout: 5_000 })).stdout.trim());
    return { uid: await idOf("-u"), gid: await idOf("-g") };
  } catch (error) {
    throw new Error(`running as root, and PostgreSQL refuses root: cannot find the user '${UNPRIVILEGED_USER}' to run it as: ${(error as Error).message}`);
  }
}

/**
 * Only what the PostgreSQL programs need: none of the caller's PG* variables (PGHOST, PGSSLMODE,
 * ...) may redirect or change a connection, and messages stay in English.
 */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LC_ALL: "C" };
}

/**
 * Runs a program to completion, as `identity` when given: Node's own uid/gid spawn options (libuv
 * also drops the supplementary groups) rather than runuser/su, so no PAM session, no shell and
 * the argument array stays as it is.
 */
function run(
  command: string,
  args: string[],
  options: { identity?: Identity; cwd?: string; timeout: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: serverEnv(), timeout: options.timeout, encoding: "utf8", ...options.identity },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr });
        else if (typeof error.code === "string") reject(binaryError(command, error));
        else reject(new Error(`${command} ${args.join(" ")} failed (${error.code ?? error.signal}):\n${stderr}${stdout}`));
      },
    );
  });
}

/** A program that could not be started at all (missing, not executable): retrying cannot help. */
class ProgramError extends Error {}

function binaryError(command: string, error: Error): ProgramError {
  const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
  return new ProgramError(
    missing
      ? `${command} is not installed or not on PATH: the tests need PostgreSQL's server and client programs (initdb, postgres, pg_ctl, psql), e.g. apt-get install postgresql`
      : `cannot run ${command}: ${error.message}`,
  );
}
