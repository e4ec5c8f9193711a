import { jest } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { COMMENT_MARKER } from "../../src/render/pull-request-comment.js";
import { sha, starterRepository } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually, startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { queryPostgres, startPostgres, type PostgresServer } from "../helpers/postgres-server.js";
import { writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";

// Issue 13: scale-out as it runs in production. A real PostgreSQL, `envbot server` and
// `envbot worker` as processes of their own (each worker with its own data directory, as on
// another machine), GitHub the FakeGitHub of this test process reached over HTTP.
jest.setTimeout(600_000);

const mock = setupGitHubMock();
let root: string;
let postgres: PostgresServer;
let github: FakeGitHub;
let githubHttp: GitHubOverHttp;
let baseEnv: NodeJS.ProcessEnv;
const running: AppProcess[] = [];

beforeEach(async () => {
  mock.before();
  root = await mkdtemp(path.join(tmpdir(), "envbot-scale-out-"));
  postgres = await startPostgres();
  github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
  github.install();
  github.permissions.set("octocat", "write");
  // Workers list the installations for the reconcile schedules: none here.
  githubApi().get("/app/installations").query(true).reply(200, []).persist();
  githubHttp = await serveGitHubOverHttp();
  baseEnv = {
    ENVBOT_DATABASE_URL: postgres.connectionString,
    // The state backend's database, given explicitly (here the same server, as a test may).
    PG_CONN_STR: postgres.connectionString,
    TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, {}),
    GHE_HOST: githubHttp.host,
    // A killed worker's jobs and environments are free this soon (the default is minutes). Not
    // shorter: a live worker on this busy machine must always renew well within it.
    ENVBOT_LEASE_TTL: "15s",
    ENVBOT_CONCURRENCY: "2",
    // A stopping worker's jobs go on for a second, then are interrupted and handed on.
    ENVBOT_SHUTDOWN_GRACE: "1s",
    ENVBOT_TERRAFORM_KILL_GRACE: "5s",
  };
  const main = await starterRepository();
  // Scale-out keeps state where every worker reaches it: the pg backend, in envbot's database.
  main[".github/envbot.yml"] = main[".github/envbot.yml"]!.replace("backend: local", "backend: pg");
  github.commit(sha("main0"), main);
  github.commit("main", main);
});

afterEach(async () => {
  for (const app of running.splice(0)) await app.killAll();
  await githubHttp.close();
  github.uninstall();
  await postgres.stop();
  await rm(root, { recursive: true, force: true });
  mock.after();
});

async function start(role: "server" | "worker", name: string): Promise<AppProcess> {
  const app = await startAppProcess({ ...baseEnv, ENVBOT_DATA_DIR: path.join(root, name) }, { role });
  running.push(app);
  return app;
}

/** Pull request `number` adds environments/env-NUMBER.yaml (the sandbox template). */
function openPullRequest(number: number): ReturnType<typeof pullRequestEvent> {
  const main = github.filesOf("main");
  github.commit(sha(`head${number}`), { ...main, [`environments/env-${number}.yaml`]: definitionYaml(`env-${number}`, "sandbox", "  ttl: 24h\n") });
  github.pullRequests.set(number, { number, headSha: sha(`head${number}`), baseSha: sha("main0"), author: "octocat", files: [{ filename: `environments/env-${number}.yaml`, status: "added" }] });
  return pullRequestEvent({ action: "opened", number, headSha: sha(`head${number}`), baseSha: sha("main0") });
}

async function deliver(server: AppProcess, event: ReturnType<typeof pullRequestEvent>): Promise<number> {
  return (await deliverWebhook({ url: server.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...event })).status;
}

/** Each pull request's plan comments, and each of its check names with how many runs it has. */
function reportsOf(number: number) {
  const checks = new Map<string, number>();
  for (const run of github.checkRuns.filter((c) => c.head_sha === sha(`head${number}`))) checks.set(run.name, (checks.get(run.name) ?? 0) + 1);
  return { comments: github.botComments(number).filter((c) => c.body.includes(COMMENT_MARKER)), checks };
}

/** Its plan check completed and its comment finished (not the early one that says attributes are still read). */
function planned(number: number): boolean {
  const plan = github.checkRuns.find((c) => c.head_sha === sha(`head${number}`) && c.name === `envbot plan: env-${number}`);
  const comments = reportsOf(number).comments;
  return plan?.status === "completed" && comments.length > 0 && comments.every((c) => !c.body.includes("Reading what each change sets"));
}

test("two servers and three workers: 20 pull requests delivered twice each get one plan comment and one set of checks; a worker killed mid-plan and another stopped mid-plan lose nothing", async () => {
  const servers = [await start("server", "server-a"), await start("server", "server-b")];
  const workers = [await start("worker", "worker-1"), await start("worker", "worker-2"), await start("worker", "worker-3")];
  expect(servers[0]!.output()).toContain("envbot server started: scale-out on PostgreSQL 127.0.0.1:");
  expect(workers[0]!.output()).toContain("envbot worker started: scale-out on PostgreSQL");

  const numbers = Array.from({ length: 20 }, (_, i) => i + 1);
  for (const number of numbers) {
    const event = openPullRequest(number);
    // Alternately to each server, and every delivery a second time to the other (GitHub redelivers).
    expect(await deliver(servers[number % 2]!, event)).toBe(200);
    expect(await deliver(servers[(number + 1) % 2]!, event)).toBe(200);
  }

  // A machine dies while one of its plans runs: the worker and its Terraform, SIGKILL.
  let victim: AppProcess | undefined;
  await eventually("a worker running terraform plan", () => (victim = workers.find((w) => w.runs(/terraform.* plan /))) !== undefined, 60_000);
  running.splice(running.indexOf(victim!), 1);
  await victim!.killAll();

  // A deploy stops another one (SIGTERM) while it plans: it takes no new job, interrupts its
  // Terraform after the grace period, hands the job on and exits, well before a kill would come.
  let stopped: AppProcess | undefined;
  await eventually("another worker running terraform plan", () => (stopped = workers.find((w) => w !== victim && w.runs(/terraform.* plan /))) !== undefined, 60_000);
  running.splice(running.indexOf(stopped!), 1);
  // It ends by itself (exit code 0, no signal): nothing here would kill it.
  expect(await stopped!.stop()).toEqual({ code: 0, signal: null });
  expect(stopped!.output()).toContain("envbot stopping: no new jobs; running ones have 1 s to finish");

  await eventually("every pull request planned", () => numbers.every(planned), 300_000);
  for (const number of numbers) {
    const { comments, checks } = reportsOf(number);
    expect({ number, comments: comments.length }).toEqual({ number, comments: 1 });
    expect(comments[0]!.body).toContain("1 to add, 0 to change, 0 to destroy");
    expect({ number, checks: Object.fromEntries(checks) }).toEqual({ number, checks: { "envbot validate": 1, [`envbot plan: env-${number}`]: 1 } });
    expect(github.checkRuns.find((c) => c.name === `envbot plan: env-${number}`)).toMatchObject({ status: "completed", conclusion: "success" });
  }
  // The killed plan ran again elsewhere: its job was retried and its first run closed as interrupted.
  await eventually("the killed worker's run closed as interrupted", async () => Number(await queryPostgres(postgres.connectionString, "SELECT count(*) FROM envbot.runs WHERE outcome = 'interrupted'")) >= 1, 60_000);
  expect(Number(await queryPostgres(postgres.connectionString, "SELECT count(*) FROM pgboss.job WHERE name = 'envbot-jobs' AND retry_count > 0"))).toBeGreaterThanOrEqual(1);
  // Every environment planned successfully once; a second time only where its job ran again
  // after its worker died (at least once: SIGKILL can land after Terraform recorded the plan,
  // before the job was marked done). The pull request still has one comment and one check.
  const retried = new Set((await queryPostgres(postgres.connectionString, "SELECT DISTINCT data->>'key' FROM pgboss.job WHERE name = 'envbot-jobs' AND retry_count > 0")).split("\n").map((key) => `env-${/#(\d+)$/.exec(key)?.[1]}`));
  const plans = (await queryPostgres(postgres.connectionString, "SELECT environment || ' ' || count(*) FROM envbot.runs WHERE kind = 'plan' AND outcome = 'succeeded' GROUP BY environment ORDER BY environment")).split("\n").map((row) => row.split(" "));
  expect(plans.map(([environment]) => environment).sort()).toEqual(numbers.map((n) => `env-${n}`).sort());
  expect(plans.filter(([environment, count]) => count !== "1" && !(count === "2" && retried.has(environment!)))).toEqual([]);
  // No state lock left behind: the pg backend's locks are advisory locks of live sessions.
  expect(await queryPostgres(postgres.connectionString, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).toBe("0");
  // Every job done: none waiting, running or failed (a job is marked done after its last report).
  await eventually("every job completed", async () => (await queryPostgres(postgres.connectionString, "SELECT count(*) FROM pgboss.job WHERE name = 'envbot-jobs' AND state <> 'completed'")) === "0", 60_000);
  expect(await queryPostgres(postgres.connectionString, "SELECT count(*) FROM pgboss.job WHERE name = 'envbot-jobs' AND state = 'failed'")).toBe("0");
});

test("PostgreSQL restarted while plans run: servers and workers reconnect, and every accepted job runs to one plan each", async () => {
  const server = await start("server", "server-a");
  const workers = [await start("worker", "worker-1"), await start("worker", "worker-2")];
  const numbers = Array.from({ length: 8 }, (_, i) => i + 1);
  // Pull request 8's job is kept under way (its changed files' answer held) while the others plan.
  const underWay = githubHttp.hold(/^GET \/repos\/[^/]+\/[^/]+\/pulls\/8\/files/);
  for (const number of numbers) expect(await deliver(server, openPullRequest(number))).toBe(200);

  await underWay.arrived;
  await eventually("a plan done while another job is under way", async () => Number(await queryPostgres(postgres.connectionString, "SELECT count(*) FROM envbot.runs WHERE kind = 'plan' AND outcome = 'succeeded'")) >= 1, 120_000);
  await postgres.restart({ downMs: 2000 });
  underWay.release();

  await eventually("every pull request planned", () => numbers.every(planned), 300_000);
  for (const number of numbers) {
    const { comments, checks } = reportsOf(number);
    expect({ number, comments: comments.length, checks: Object.fromEntries(checks) }).toEqual({ number, comments: 1, checks: { "envbot validate": 1, [`envbot plan: env-${number}`]: 1 } });
    expect(github.checkRuns.find((c) => c.name === `envbot plan: env-${number}`)).toMatchObject({ conclusion: "success" });
  }
  // Each environment planned successfully once; a second time only where its job ran again (at
  // least once: a plan recorded while PostgreSQL went down, before its job could be marked done,
  // is retried). The pull request still has one comment and one check (above).
  const retried = new Set((await queryPostgres(postgres.connectionString, "SELECT DISTINCT data->>'key' FROM pgboss.job WHERE name = 'envbot-jobs' AND retry_count > 0")).split("\n").map((key) => `env-${/#(\d+)$/.exec(key)?.[1]}`));
  const plans = (await queryPostgres(postgres.connectionString, "SELECT environment || ' ' || count(*) FROM envbot.runs WHERE kind = 'plan' AND outcome = 'succeeded' GROUP BY environment ORDER BY environment")).split("\n").map((row) => row.split(" "));
  expect(plans.map(([environment]) => environment).sort()).toEqual(numbers.map((n) => `env-${n}`).sort());
  expect(plans.filter(([environment, count]) => count !== "1" && !(count === "2" && retried.has(environment!)))).toEqual([]);
  await eventually("every job completed", async () => (await queryPostgres(postgres.connectionString, "SELECT count(*) FROM pgboss.job WHERE name = 'envbot-jobs' AND state <> 'completed'")) === "0", 60_000);
  expect((await fetch(`${server.url}/api/v1/health/ready`)).status).toBe(200);
});

test("a webhook refused (503) while the database is down is fetched again from GitHub's delivery log once it is back, and planned", async () => {
  const server = await start("server", "server-a");
  await start("worker", "worker-1");
  const event = openPullRequest(1);
  // GitHub's side: what it delivered, and a redelivery when the App asks for one.
  github.onRedelivery = (delivery) =>
    void setImmediate(async () => {
      const status = await deliver(server, event);
      github.logDelivery({ guid: delivery.guid, event: "pull_request", action: "opened", statusCode: status, redelivery: true });
    });

  await postgres.restart({
    whileDown: async () => {
      const status = await deliver(server, event);
      expect(status).toBe(503);
      github.logDelivery({ guid: event.id, event: "pull_request", action: "opened", statusCode: status });
      const ready = await fetch(`${server.url}/api/v1/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reason: string }).reason).toContain("cannot be reached");
    },
  });

  await eventually("the missed pull request planned", () => planned(1), 120_000);
  expect(reportsOf(1).comments).toHaveLength(1);
  expect(github.hookDeliveries.map((d) => [d.guid, d.statusCode, d.redelivery])).toEqual([
    [event.id, 503, false],
    [event.id, 200, true],
  ]);
  expect(server.output()).toContain(`asked GitHub to redeliver 1 webhook(s) missed while the database was unavailable: ${event.id}`);
});

/** The value of one series of a Prometheus text exposition, or undefined when it is not there. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? "").split(",").filter(Boolean);
    if (wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return undefined;
}

const scrape = async (app: AppProcess) => {
  const response = await fetch(`${app.url}/metrics`);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
};

test("/metrics on a server and a worker: deliveries, jobs, Terraform, the queue, the outbox, GitHub's budget and the parts' health move as a pull request is planned", async () => {
  const server = await start("server", "server-m");
  const worker = await start("worker", "worker-m");
  const before = { server: await scrape(server), worker: await scrape(worker) };
  // Neither has the App's OAuth client: the server, which serves the dashboard, says so at start.
  expect(server.output()).toContain("sign-in is not set up: the dashboard and the API need GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET");
  expect(worker.output()).not.toContain("sign-in is not set up");
  expect(metric(before.server, "envbot_up", { part: "store" })).toBe(1);
  expect(metric(before.worker, "envbot_up", { part: "queue" })).toBe(1);
  expect(metric(before.server, "envbot_webhook_deliveries_total", { outcome: "accepted" }) ?? 0).toBe(0);
  expect(metric(before.worker, "envbot_jobs_total", { kind: "plan-pull-request", outcome: "succeeded" }) ?? 0).toBe(0);

  // The outbox relay reads where a repository's events go (the App's installation on it first):
  // held, so the plan's events wait in the outbox.
  const routing = githubHttp.hold(/^GET \/repos\/[^/]+\/[^/]+\/installation$/);
  expect(await deliver(server, openPullRequest(41))).toBe(200);
  expect((await deliverWebhook({ url: server.webhookUrl, secret: "not-the-secret", ...openPullRequest(41) })).status).toBe(400);
  await eventually("the pull request planned", () => planned(41), 120_000);
  // The job is marked done just after its last report: wait for the counter, not for a time.
  let workerText = "";
  await eventually("the worker counted the job", async () => (metric((workerText = await scrape(worker)), "envbot_jobs_total", { kind: "plan-pull-request", outcome: "succeeded" }) ?? 0) === 1, 60_000);

  const serverText = await scrape(server);
  expect(metric(serverText, "envbot_webhook_deliveries_total", { outcome: "accepted" })).toBe(1);
  expect(metric(serverText, "envbot_webhook_deliveries_total", { outcome: "refused" })).toBe(1);
  expect(metric(serverText, "envbot_jobs_in_queue", { state: "queued" })).toBe(0);
  expect(metric(workerText, "envbot_job_duration_seconds_count", { kind: "plan-pull-request" })).toBe(1);
  expect(metric(workerText, "envbot_terraform_duration_seconds_count", { operation: "apply", template: "sandbox", outcome: "succeeded" })).toBeUndefined();
  expect(metric(workerText, "envbot_terraform_duration_seconds_count", { template: "sandbox", outcome: "succeeded" })).toBe(1);
  expect(metric(workerText, "envbot_github_requests", { installation: String(DEFAULT_INSTALLATION_ID) })).toBeGreaterThan(0);
  expect(metric(workerText, "envbot_github_rate_limit", { installation: String(DEFAULT_INSTALLATION_ID) })).toBe(5000);
  expect(metric(workerText, "envbot_github_rate_remaining", { installation: String(DEFAULT_INSTALLATION_ID) })).toBeLessThan(5000);
  // The plan's domain events wait in the outbox while routing is held; released, they are relayed.
  await routing.arrived;
  await eventually("the plan's events in the outbox", async () => (metric(await scrape(worker), "envbot_outbox_backlog") ?? 0) >= 1, 60_000);
  routing.release();
  await eventually("the outbox relayed", async () => metric(await scrape(worker), "envbot_outbox_backlog") === 0, 60_000);
  expect(metric(workerText, "process_resident_memory_bytes")).toBeGreaterThan(0);
  // The job's log lines (JSON, as a log collector reads them) name the process that ran it and the job.
  const lines = worker.output().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { worker?: string; job?: string });
  expect(lines.find((line) => line.job === `plan-pull-request ${github.fullName}#41`)).toMatchObject({ worker: expect.stringMatching(/^[\w.-]+:\d+$/) });
});
