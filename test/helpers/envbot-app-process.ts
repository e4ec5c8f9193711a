import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./fixtures.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY, TEST_WEBHOOK_SECRET } from "./github/test-probot.js";

export interface AppProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  webhookUrl: string;
  /** Everything the process printed (pino JSON lines). */
  output(): string;
  /** GET /api/v1/health/ready's queue: jobs waiting and running. */
  queueDepth(): Promise<{ queued: number; running: number }>;
  /**
   * SIGKILL to the App and every process under it (Terraform runs in a process group of its
   * own, so killing the App alone would leave it running): as when the machine or container dies.
   */
  killAll(): Promise<void>;
  /** Whether a process under the App runs a command line matching `pattern` (arguments joined by spaces). */
  runs(pattern: RegExp): boolean;
  /** SIGTERM, and wait for the exit. */
  /** SIGTERM, then how the process ended: `code` 0 and no signal when it shut down by itself. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident memory now, in bytes: of the App's own process, and of it with every process under it (Terraform). */
  memory(): { own: number; withChildren: number };
}

/**
 * The envbot App as `npm start` runs it (node dist/composition/main-embedded.js, built by `npm test`), as a process
 * of its own with its own settings: `env` adds to the GitHub App's test identity, the data
 * directory and the GitHub it talks to (GHE_HOST, see serveGitHubOverHttp). With a `role`, one
 * role of scale-out as its command runs it: `envbot server` or `envbot worker`.
 */
/** How long start-up may hang before the test fails with the process output (below the tests' own timeouts). */
const START_GUARD_MS = 90_000;

export async function startAppProcess(env: NodeJS.ProcessEnv, options: { role?: "server" | "worker" } = {}): Promise<AppProcess> {
  const command = options.role ? [path.join(projectRoot, "bin", "envbot.js"), options.role] : [path.join(projectRoot, "dist", "composition", "main-embedded.js")];
  const child = spawn(process.execPath, command, {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "info",
      GHE_PROTOCOL: "http",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  const url = await new Promise<string>((resolve, reject) => {
    // Not a budget (a loaded machine starts slowly): a guard that shows the output when start-up hangs.
    const timer = setTimeout(() => reject(new Error(`the App did not start within ${START_GUARD_MS / 1000} s:\n${output}`)), START_GUARD_MS);
    const look = () => {
      const match = /envbot listening on (http:\/\/[^"\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", look);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the App exited (${code}) before it listened:\n${output}`));
    });
  });

  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    output: () => output,
    async queueDepth() {
      const answer = (await (await fetch(`${url}/api/v1/health/ready`)).json()) as { queue: { queued: number; running: number } };
      return answer.queue;
    },
    runs(pattern) {
      return descendantsOf(child.pid!).some((pid) => {
        try {
          return pattern.test(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "));
        } catch {
          return false;
        }
      });
    },
    async killAll() {
      for (const pid of [child.pid!, ...descendantsOf(child.pid!)]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone already
        }
      }
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    memory() {
      const own = residentBytes(child.pid!);
      return { own, withChildren: own + descendantsOf(child.pid!).reduce((sum, pid) => sum + residentBytes(pid), 0) };
    },
  };
}

/** VmRSS of a process from /proc, 0 when it is gone. */
function residentBytes(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/** Every process under `root`, from /proc (Linux). */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}


/** Whether `pid` still runs (a zombie nobody reaped has finished). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

// The App-process tests wait with the one shared poll (test/helpers/eventually.ts).
export { eventually } from "./eventually.js";
