import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { access, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect as amqpConnect } from "amqplib";
import { freePort } from "./free-port.js";

/** How long the broker may take to accept an AMQP session (~6-20 s measured; a busy CI machine is slower). */
const STARTUP_DEADLINE_MS = 60_000;
const POLL_INTERVAL_MS = 250;
/** One readiness probe at most this long: a loopback broker answers at once or not at all. */
const PROBE_TIMEOUT_MS = 2_000;
/** How long stop() waits after SIGTERM (a clean shutdown takes ~1 s) before it sends SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** Keep at most this much of the broker's output for error messages. */
const OUTPUT_LIMIT = 16_384;
const INSTALL_HINT = "the AMQP tests need a real broker: apt-get install rabbitmq-server";

export interface RabbitMqServer {
  /** `amqp://guest:guest@127.0.0.1:PORT` (guest may only connect from loopback, which is all we listen on). */
  url: string;
  port: number;
  /**
   * Adds a broker user with every permission on the default vhost (rabbitmqctl), and returns its
   * `amqp://` URL: another identity, since RabbitMQ takes a message's user_id only from the
   * connection's own user.
   */
  addUser(name: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway RabbitMQ node: its own node name, AMQP port, distribution port and epmd
 * port (so it clashes with neither a system broker nor a parallel test file), all its state in
 * a temporary directory, no plugins. Waits until guest/guest can open an AMQP connection.
 * Throws when RabbitMQ is not installed: integration tests must fail, not skip.
 */
export async function startRabbitMq(): Promise<RabbitMqServer> {
  const script = await findServerScript();
  const [port, distPort, epmdPort] = await threeFreePorts();
  const root = await mkdtemp(path.join(tmpdir(), "envbot-rabbitmq-"));
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  try {
    await writeFile(
      path.join(root, "rabbitmq.conf"),
      [
        `listeners.tcp.default = 127.0.0.1:${port}`,
        // The log goes to stdout only: we keep its tail for error messages.
        "log.console = true",
        "log.console.level = info",
        "log.file = false",
        // A nearly full CI disk must not raise the alarm that blocks every publisher.
        "disk_free_limit.absolute = 1MB",
        "",
      ].join("\n"),
    );
    // The distribution listener (for rabbitmqctl, clustering) on loopback only.
    await writeFile(path.join(root, "advanced.config"), "[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].\n");
    await writeFile(path.join(root, "enabled_plugins"), "[].\n");
    // Replaces /etc/rabbitmq/rabbitmq-env.conf: the machine's settings must not leak in.
    await writeFile(path.join(root, "rabbitmq-env.conf"), "");
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // Erlang keeps its cookie in $HOME/.erlang.cookie: a fresh one, not the user's.
    HOME: root,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    RABBITMQ_NODENAME: `envbot-test-${randomBytes(6).toString("hex")}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    // Defaults to NODE_PORT + 20000, which is no port at all for a high free port.
    RABBITMQ_DIST_PORT: String(distPort),
    // A private epmd: stop() can end it without touching a system broker's (default port 4369).
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_MNESIA_BASE: path.join(root, "mnesia"),
    RABBITMQ_LOG_BASE: path.join(root, "log"),
    RABBITMQ_CONFIG_FILE: path.join(root, "rabbitmq.conf"),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(root, "advanced.config"),
    RABBITMQ_CONF_ENV_FILE: path.join(root, "rabbitmq-env.conf"),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(root, "enabled_plugins"),
    RABBITMQ_PLUGINS_EXPAND_DIR: path.join(root, "plugins-expand"),
  };
  // detached: a process group of its own (the start script, beam.smp) that stop() signals as one.
  const child = spawn(script, [], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });

  let output = "";
  const collect = (chunk: string) => void (output = (output + chunk).slice(-OUTPUT_LIMIT));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", collect);
  }
  // The console log is coloured; messages read better without the escape codes.
  const outputTail = () => output.replace(/\x1b\[[0-9;]*m/g, "").split("\n").slice(-40).join("\n");
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  // Not events.once(): it rejects on "error", which would go unhandled when the script is missing.
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null && spawnError === undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  // A test file that dies without stop() must not leave a broker behind.
  const onExit = () => signalGroup("SIGKILL");
  process.once("exit", onExit);

  // rabbitmqctl reaches the node by its name through the same epmd and Erlang cookie ($HOME).
  const ctl = (args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile(path.join(path.dirname(script), "rabbitmqctl"), ["-n", env.RABBITMQ_NODENAME!, ...args], { env, cwd: root }, (error, _stdout, stderr) =>
        error ? reject(new Error(`rabbitmqctl ${args[0]} failed: ${error.message}\n${stderr}`)) : resolve(),
      ),
    );
  const addUser = async (name: string, password: string): Promise<string> => {
    await ctl(["add_user", name, password]);
    await ctl(["set_permissions", "-p", "/", name, ".*", ".*", ".*"]);
    return `amqp://${encodeURIComponent(name)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener("exit", onExit);
      if (running() && child.pid !== undefined) {
        // SIGTERM: the start script and the VM both shut the node down cleanly (~1 s).
        signalGroup("SIGTERM");
        const timer = setTimeout(() => signalGroup("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      // epmd daemonizes out of the process group and would outlive the node.
      await killEpmd(epmdPort);
      child.stdout.destroy();
      child.stderr.destroy();
      await rm(root, { recursive: true, force: true });
    })());

  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  for (;;) {
    if (spawnError !== undefined) {
      await stop();
      throw new Error(`cannot run ${script}: ${spawnError.message} (${INSTALL_HINT})`);
    }
    if (!running()) {
      await stop();
      throw new Error(`rabbitmq-server exited (${child.exitCode ?? child.signalCode}) before accepting AMQP connections; its output:\n${outputTail()}`);
    }
    let lastError: unknown;
    try {
      // A full AMQP handshake as guest, not just the open port: the listener opens before boot ends.
      const connection = await amqpConnect(url, { timeout: PROBE_TIMEOUT_MS });
      await connection.close();
      return { url, port, addUser, stop };
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `rabbitmq-server did not accept AMQP connections on 127.0.0.1:${port} within ${STARTUP_DEADLINE_MS} ms (${(lastError as Error).message}); its output:\n${outputTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * The broker's own start script. Debian's /usr/sbin/rabbitmq-server is a wrapper that, run as
 * root, re-runs the script through `su rabbitmq`: a new session (out of our process group), a
 * scrubbed environment and the system's data directory. So the script it wraps is preferred.
 */
async function findServerScript(): Promise<string> {
  const candidates = [
    "/usr/lib/rabbitmq/bin/rabbitmq-server",
    ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, "rabbitmq-server")),
    "/usr/sbin/rabbitmq-server",
    "/usr/local/sbin/rabbitmq-server",
  ];
  for (const candidate of candidates) {
    try {
      await access(candidate, fsConstants.X_OK);
      if (path.basename(await realpath(candidate)) === "rabbitmq-script-wrapper") continue;
      return candidate;
    } catch {
      // Not there.
    }
  }
  throw new Error(`rabbitmq-server is not installed (looked in /usr/lib/rabbitmq/bin, PATH, /usr/sbin): ${INSTALL_HINT}`);
}

/** AMQP, distribution and epmd ports: freePort() may hand out a port it just returned again. */
async function threeFreePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  return [...ports] as [number, number, number];
}

/**
 * Ends the epmd on `port` with its own protocol (KILL_REQ: length 1, 'k'; it answers "OK").
 * epmd refuses while a node is still registered, so this comes after the node exited.
 */
function killEpmd(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = netConnect(port, "127.0.0.1", () => socket.write(Buffer.from([0, 1, "k".charCodeAt(0)])));
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on("data", () => socket.end());
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
  });
}
