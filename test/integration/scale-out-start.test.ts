import { jest } from "@jest/globals";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { eventually } from "../helpers/eventually.js";
import { projectRoot } from "../helpers/fixtures.js";
import { githubApi, recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY, TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres-server.js";

// How `envbot worker` and `envbot server` start, as an operator runs them on one machine: a port
// another process holds, PostgreSQL not up yet, a missing setting. Each ends in one clear line and
// an exit code, or waits and says so; none is left running half started.
jest.setTimeout(240_000);

const mock = setupGitHubMock();
let root: string;
let postgres: PostgresServer;
let githubHttp: GitHubOverHttp;
const started: Started[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 90_000);
afterAll(async () => {
  await postgres?.stop();
});

beforeEach(async () => {
  mock.before();
  root = await mkdtemp(path.join(tmpdir(), "envbot-start-"));
  githubHttp = await serveGitHubOverHttp();
});
afterEach(async () => {
  for (const process of started.splice(0)) await process.kill();
  await githubHttp.close();
  await rm(root, { recursive: true, force: true });
  mock.after();
});

interface Started {
  output(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): Promise<void>;
}

/** `envbot ROLE` as its command runs it, not waiting for it to listen. */
function envbot(role: "server" | "worker", env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), role], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, APP_ID: String(TEST_APP_ID), PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: `${TEST_WEBHOOK_SECRET}-long-enough`, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", GHE_HOST: githubHttp.host, GHE_PROTOCOL: "http", ENVBOT_DATA_DIR: path.join(root, role), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const process_ = {
    output: () => output,
    stderr: () => stderr,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  started.push(process_);
  return process_;
}

async function holdPort(): Promise<Server> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  return holder;
}

test("a worker given a port another process holds exits 2 at once, naming PORT in one line (never half started)", async () => {
  const holder = await holdPort();
  try {
    const port = (holder.address() as AddressInfo).port;
    const worker = envbot("worker", { ENVBOT_DATABASE_URL: postgres.connectionString, PORT: String(port) });
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.stderr()).toBe(`envbot worker: PORT: 127.0.0.1, port ${port} is in use by another process; each envbot process on a machine needs a PORT of its own (PORT=0 takes any free one)\n`);
    expect(worker.output()).not.toContain("internal error");
    expect(worker.output()).not.toContain("envbot listening on");
  } finally {
    holder.close();
  }
});

test("a server without ENVBOT_DATABASE_URL exits 2 with the setting named, once", async () => {
  const server = envbot("server", {});
  expect(await server.exited).toEqual({ code: 2, signal: null });
  expect(server.stderr()).toBe("envbot server: separate servers and workers share their work through PostgreSQL: set ENVBOT_DATABASE_URL (or run both in one process with npm start)\n");
});

test("PostgreSQL down when a worker starts: it says so, waits, and starts once PostgreSQL is back", async () => {
  // Once started, the worker lists the App's installations for the reconcile schedules: none.
  githubApi().get("/app/installations").query(true).reply(200, []).persist();
  let worker: Started | undefined;
  await postgres.restart({
    whileDown: async () => {
      worker = envbot("worker", { ENVBOT_DATABASE_URL: postgres.connectionString });
      await eventually("the worker says it waits for PostgreSQL", () => /PostgreSQL at 127\.0\.0\.1:\d+\/envbot cannot be reached \(.*\); envbot starts once it is reached/.test(worker!.output()), 60_000);
    },
  });
  await eventually("the worker listens once PostgreSQL is back", () => worker!.output().includes("envbot listening on"), 120_000);
  // Started through and through: it asks GitHub for the installations whose schedules it keeps.
  await eventually("the worker reads its reconcile schedules", () => recordedGitHubRequests().some((r) => r.method === "GET" && r.path.startsWith("/app/installations")), 60_000);
  expect(worker!.output().match(/envbot starts once it is reached/g)).toHaveLength(1);
  expect(worker!.output()).not.toContain("internal error");
  expect(worker!.output()).toContain("envbot worker started: scale-out on PostgreSQL");
});
