import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import nock from "nock";
import { runScheduledSweep } from "../../src/access/github/scheduled-sweeps.js";
import { openPostgresStore, type PostgresStore } from "../../src/adapters/store/postgres/index.js";
import { startServer } from "../../src/composition/start-process.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { eventually } from "../helpers/eventually.js";
import { projectRoot, starterRepository } from "../helpers/fixtures.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, recordedGitHubRequests } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp } from "../helpers/github/github-over-http.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY, TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID } from "../helpers/github/webhook-payloads.js";
import { startPostgres } from "../helpers/postgres-server.js";
import type { BenchFigure, Benchmark } from "./bench-harness.js";

const REPOSITORIES = Number(process.env.BENCH_SCALE_REPOSITORIES ?? 100);
const ENVIRONMENTS = Number(process.env.BENCH_SCALE_ENVIRONMENTS ?? 10_000);
const WORKERS = 2;
/** ENVBOT_CONCURRENCY of each worker: the default. */
const CONCURRENCY = 2;
/** Repositories whose sweeps the dispatcher runs at once (the schedules of many fire at one minute). */
const SWEEPS_AT_ONCE = 4;
const TERRAFORM_STAND_IN = path.join(projectRoot, "test", "bench", "stand-ins", "terraform");
const MiB = 1024 * 1024;

/**
 * envbot's own cost of a drift sweep at an organization's size: 10,000 applied environments in
 * 100 repositories on PostgreSQL, two `envbot worker` processes taking the fanned-out jobs from
 * pg-boss. A stand-in for the terraform binary answers "no changes" at once, so what is measured
 * is envbot's part (its jobs, leases, runs, GitHub reads, synthesis), not a provider's. The
 * scheduler's firing (runScheduledSweep, which decides and queues a job per environment) runs in
 * this process, as a server would. Two sweeps: the first with workers that never read the
 * repositories, the second with the default branches unchanged. `npm run bench -- scale` runs the
 * "list at scale" bench after it: the API's list at the same size.
 */
export const scaleBenchmark: Benchmark = {
  name: `scale: drift sweep of ${ENVIRONMENTS} environments in ${REPOSITORIES} repositories, ${WORKERS} workers (PostgreSQL, pg-boss, a Terraform stand-in)`,
  async run() {
    const root = await mkdtemp(path.join(tmpdir(), "envbot-bench-scale-"));
    const postgres = await startPostgres();
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^127\.0\.0\.1(:\d+)?$/.test(host));
    // The schedulers of the workers find no installation: the sweeps are fired by this bench.
    githubApi().get("/app/installations").query(true).reply(200, []).persist();
    const repositories = Array.from({ length: REPOSITORIES }, (_, i) => new FakeGitHub({ owner: "octo-org", repo: `environments-${String(i).padStart(3, "0")}`, installationId: DEFAULT_INSTALLATION_ID }));
    const githubHttp = await serveGitHubOverHttp();
    const processes: AppProcess[] = [];
    const store = await openPostgresStore({ connectionString: postgres.connectionString });
    let dispatcher: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const starter = await starterRepository();
      delete starter["environments/sandbox.yaml"];
      starter[".github/envbot.yml"] = starter[".github/envbot.yml"]!.replace("backend: local", "backend: pg");
      const namesOf = (r: number) => Array.from({ length: Math.ceil(ENVIRONMENTS / REPOSITORIES) }, (_, i) => r + i * REPOSITORIES).filter((n) => n < ENVIRONMENTS).map((n) => `env-${String(n).padStart(5, "0")}`);
      repositories.forEach((github, r) => {
        github.install();
        const main = { ...starter };
        for (const name of namesOf(r)) main[`environments/${name}.yaml`] = definitionYaml(name, "sandbox", "  ttl: 720h\n");
        github.commit("main", main);
      });
      await seedAppliedEnvironments(store, repositories.map((g, r) => ({ repository: g.fullName, names: namesOf(r) })));

      const env: NodeJS.ProcessEnv = { ENVBOT_DATABASE_URL: postgres.connectionString, PG_CONN_STR: postgres.connectionString, GHE_HOST: githubHttp.host, TERRAFORM_BIN: TERRAFORM_STAND_IN, ENVBOT_CONCURRENCY: String(CONCURRENCY) };
      const workers: AppProcess[] = [];
      for (let i = 1; i <= WORKERS; i++) workers.push(await startAppProcess({ ...env, ENVBOT_DATA_DIR: path.join(root, `worker-${i}`) }, { role: "worker" }));
      processes.push(...workers);
      // The server whose scheduler fires the sweeps, in this process; it talks to the stubbed GitHub directly.
      dispatcher = await startServer(
        { PATH: process.env.PATH, HOME: process.env.HOME, APP_ID: String(TEST_APP_ID), PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", ENVBOT_DATABASE_URL: postgres.connectionString, ENVBOT_DATA_DIR: path.join(root, "server") },
        "server",
      );
      const { probot, services } = dispatcher;

      const sweep = async (label: string): Promise<BenchFigure[]> => {
        const requestsBefore = recordedGitHubRequests().length;
        const before = await databaseActivity(store);
        const since = (await store.database.query<{ now: string }>("SELECT now()::text AS now")).rows[0]!.now;
        const peaks = { connections: 0, workers: workers.map(() => ({ own: 0, withChildren: 0 })), bench: 0 };
        const sample = async () => {
          const { rows } = await store.database.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()");
          peaks.connections = Math.max(peaks.connections, Number(rows[0]!.n));
          workers.forEach((w, i) => {
            const now = w.memory();
            peaks.workers[i]!.own = Math.max(peaks.workers[i]!.own, now.own);
            peaks.workers[i]!.withChildren = Math.max(peaks.workers[i]!.withChildren, now.withChildren);
          });
          peaks.bench = Math.max(peaks.bench, process.memoryUsage().rss);
        };
        const sampler = setInterval(() => void sample().catch(() => undefined), 500);
        const checks = async (outcome: string) =>
          Number((await store.database.query<{ n: string }>("SELECT count(*) AS n FROM envbot.runs WHERE kind = 'drift' AND outcome = $1 AND started_at >= $2::timestamptz", [outcome, since])).rows[0]!.n);

        const started = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: SWEEPS_AT_ONCE }, async () => {
            while (next < repositories.length) {
              const github = repositories[next++]!;
              const fired = await runScheduledSweep(probot, services, { repository: github.fullName, installationId: DEFAULT_INSTALLATION_ID, defaultBranch: "main" }, "drift", { concurrency: CONCURRENCY, fanOut: true });
              if (fired !== "swept") throw new Error(`the sweep of ${github.fullName} was ${fired}`);
            }
          }),
        );
        const queued = performance.now() - started;
        let lastSeen = 0;
        await eventually(`every one of ${ENVIRONMENTS} drift checks (${label})`, async () => {
          const failed = await checks("failed");
          if (failed > 0) throw new Error(`${failed} drift check(s) failed`);
          lastSeen = await checks("succeeded");
          return lastSeen >= ENVIRONMENTS;
        }, 60 * 60_000);
        const ms = performance.now() - started;
        clearInterval(sampler);
        await sample();
        const requests = recordedGitHubRequests().slice(requestsBefore);
        const after = await databaseActivity(store);
        const written = after.rowsWritten - before.rowsWritten;
        const byTable = Object.entries(after.byTable)
          .map(([table, rows]) => [table, rows - (before.byTable[table] ?? 0)] as const)
          .filter(([, rows]) => rows > 0)
          .sort((a, b) => b[1] - a[1]);
        return [
          { name: `${label}: the sweep, first job queued to last check done`, value: ms / 1000, unit: "s", note: `all ${REPOSITORIES} repositories decided and queued in ${(queued / 1000).toFixed(1)} s` },
          { name: `${label}: drift checks per second`, value: ENVIRONMENTS / (ms / 1000), unit: "jobs/s", note: `${WORKERS} workers, ENVBOT_CONCURRENCY=${CONCURRENCY}` },
          { name: `${label}: GitHub requests per environment`, value: requests.length / ENVIRONMENTS, unit: "req", note: `${requests.length} in all: ${tallyRequests(requests)}` },
          { name: `${label}: PostgreSQL transactions per environment`, value: (after.transactions - before.transactions) / ENVIRONMENTS, unit: "tx", note: "every process, pg-boss included" },
          { name: `${label}: rows written per environment`, value: written / ENVIRONMENTS, unit: "rows", note: byTable.slice(0, 5).map(([t, n]) => `${t} ${(n / ENVIRONMENTS).toFixed(1)}`).join(", ") },
          { name: `${label}: PostgreSQL connections, peak`, value: peaks.connections, unit: "conns", note: `${WORKERS} workers, the server and this bench's pool` },
          ...peaks.workers.map((peak, i) => ({ name: `${label}: peak memory, worker ${i + 1}`, value: peak.own / MiB, unit: "MiB", note: `${(peak.withChildren / MiB).toFixed(0)} MiB with its Terraform stand-ins` })),
          { name: `${label}: peak memory, this bench process`, value: peaks.bench / MiB, unit: "MiB", note: "the server that fires the sweeps, the GitHub stub, the bench" },
        ];
      };

      const figures = [...(await sweep("first sweep")), ...(await sweep("second sweep, branches unchanged"))];
      for (const p of processes.splice(0)) await p.stop();
      return figures;
    } finally {
      for (const p of processes) await p.stop();
      await dispatcher?.stop(0);
      await store.close();
      await githubHttp.close();
      for (const github of repositories) github.uninstall();
      nock.cleanAll();
      nock.enableNetConnect();
      await postgres.stop();
      await rm(root, { recursive: true, force: true });
    }
  },
};

/** Each environment as a first apply left it: active, applied, with its definition's fields. */
async function seedAppliedEnvironments(store: PostgresStore, repositories: { repository: string; names: string[] }[]): Promise<void> {
  const all = repositories.flatMap(({ repository, names }) => names.map((name) => ({ repository, name })));
  const appliedAt = new Date(Date.now() - 3600_000);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < all.length) {
        const { repository, name } = all[next++]!;
        await store.upsertEnvironment({ repository, name, template: "sandbox", owner: "@acme/qa", status: "active", firstAppliedAt: appliedAt, expiresAt: new Date(appliedAt.getTime() + 720 * 3600_000) });
      }
    }),
  );
}

/** What every process did in the database so far: committed transactions and rows written, by table. */
async function databaseActivity(store: PostgresStore): Promise<{ transactions: number; rowsWritten: number; byTable: Record<string, number> }> {
  const { rows: tx } = await store.database.query<{ n: string }>("SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()");
  const { rows } = await store.database.query<{ name: string; n: string }>("SELECT schemaname || '.' || relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables");
  const byTable: Record<string, number> = {};
  // pg-boss keeps each queue's jobs in a partition named by a hash: counted as pgboss.job.
  for (const r of rows) {
    const name = r.name.replace(/^(\w+)\.j[0-9a-f]{40,}$/, "$1.job");
    byTable[name] = (byTable[name] ?? 0) + Number(r.n);
  }
  return { transactions: Number(tx[0]!.n), rowsWritten: Object.values(byTable).reduce((a, b) => a + b, 0), byTable };
}

/** "GET git/trees 100, GET tarball 300, ..." */
export function tallyRequests(requests: readonly { method: string; path: string }[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const kind = `${r.method} ${r.path.replace(/^\/repos\/[^/]+\/[^/]+\//, "").replace(/\?.*$/, "").replace(/\/[0-9a-f]{40}$|\/heads(\/|%2F).*$|\/\d+\/access_tokens$/, "")}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
}
