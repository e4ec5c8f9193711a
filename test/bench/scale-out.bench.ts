import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import nock from "nock";
import { sha, starterRepository } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually, startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, recordedGitHubRequests } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp } from "../helpers/github/github-over-http.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { awsTestEnv, startMoto } from "../helpers/moto-server.js";
import { queryPostgres, startPostgres } from "../helpers/postgres-server.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";
import type { BenchFigure, Benchmark } from "./bench-harness.js";
import { tallyRequests } from "./scale.bench.js";

const SANDBOX_PLANS = 40;
const AWS_PLANS = 10;
const MiB = 1024 * 1024;

/**
 * Scale-out throughput on this machine: 40 sandbox pull requests planned by one `envbot worker`
 * against the same by two (each ENVBOT_CONCURRENCY=2, one `envbot server`, a real PostgreSQL),
 * from the first delivery to the last plan check; the peak memory of each worker (its own
 * process, and with its Terraform processes); and plans per hour of one worker for the sandbox
 * and for static-site on moto (the aws provider), the sizing figures the README quotes.
 */
export const scaleOutBenchmark: Benchmark = {
  name: `scale-out: ${SANDBOX_PLANS} sandbox plans with 1 worker against 2 (PostgreSQL, pg-boss)`,
  async run() {
    const root = await mkdtemp(path.join(tmpdir(), "envbot-bench-scale-"));
    const postgres = await startPostgres();
    const moto = await startMoto();
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^127\.0\.0\.1(:\d+)?$/.test(host));
    const github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
    github.install();
    github.permissions.set("octocat", "write");
    githubApi().get("/app/installations").query(true).reply(200, []).persist();
    const githubHttp = await serveGitHubOverHttp();
    const main = await starterRepository();
    main[".github/envbot.yml"] = main[".github/envbot.yml"]!.replace("backend: local", "backend: pg");
    github.commit(sha("main0"), main);
    github.commit("main", main);
    const cliConfig = await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR });
    let nextNumber = 1;
    let round = 0;

    /** Plans `count` pull requests of `template` with `workers` workers; wall time and each worker's peak memory. */
    const plan = async (workers: number, template: string, count: number) => {
      const database = `bench_${++round}`;
      await queryPostgres(postgres.connectionString, `CREATE DATABASE ${database}`);
      const env: NodeJS.ProcessEnv = {
        ENVBOT_DATABASE_URL: postgres.connectionString.replace(/\/envbot\?/, `/${database}?`),
        PG_CONN_STR: postgres.connectionString.replace(/\/envbot\?/, `/${database}?`),
        TF_CLI_CONFIG_FILE: cliConfig,
        GHE_HOST: githubHttp.host,
        ENVBOT_CONCURRENCY: "2",
        ...awsTestEnv(moto.endpoint),
        ENVBOT_AWS_ENDPOINT: moto.endpoint,
      };
      const processes: AppProcess[] = [];
      try {
        const server = await startAppProcess({ ...env, ENVBOT_DATA_DIR: path.join(root, `${database}-server`) }, { role: "server" });
        processes.push(server);
        const started: AppProcess[] = [];
        for (let i = 0; i < workers; i++) started.push(await startAppProcess({ ...env, ENVBOT_DATA_DIR: path.join(root, `${database}-worker-${i}`) }, { role: "worker" }));
        processes.push(...started);
        const peaks = started.map(() => ({ own: 0, withChildren: 0 }));
        const sampler = setInterval(() => {
          started.forEach((worker, i) => {
            const now = worker.memory();
            peaks[i]!.own = Math.max(peaks[i]!.own, now.own);
            peaks[i]!.withChildren = Math.max(peaks[i]!.withChildren, now.withChildren);
          });
        }, 100);
        const numbers = Array.from({ length: count }, () => nextNumber++);
        const events = numbers.map((number) => {
          const name = `env-${number}`;
          github.commit(sha(`head${number}`), { ...main, [`environments/${name}.yaml`]: definitionYaml(name, template, "  ttl: 24h\n") });
          github.pullRequests.set(number, { number, headSha: sha(`head${number}`), baseSha: sha("main0"), author: "octocat", files: [{ filename: `environments/${name}.yaml`, status: "added" }] });
          return pullRequestEvent({ action: "opened", number, headSha: sha(`head${number}`), baseSha: sha("main0") });
        });
        const t0 = performance.now();
        for (const event of events) {
          const answer = await deliverWebhook({ url: server.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...event });
          if (answer.status !== 200) throw new Error(`delivery answered ${answer.status}`);
        }
        const done = (number: number) => github.checkRuns.some((c) => c.head_sha === sha(`head${number}`) && c.name === `envbot plan: env-${number}` && c.status === "completed");
        await eventually(`${count} ${template} plans`, () => numbers.every(done), 30 * 60_000);
        const ms = performance.now() - t0;
        clearInterval(sampler);
        const failed = github.checkRuns.filter((c) => numbers.some((n) => c.head_sha === sha(`head${n}`)) && c.conclusion !== "success");
        if (failed.length > 0) throw new Error(`${failed.length} check(s) did not succeed: ${failed.map((c) => `${c.name} ${c.conclusion}`).join(", ")}`);
        return { ms, peaks };
      } finally {
        for (const p of processes) await p.stop();
      }
    };

    try {
      const one = await plan(1, "sandbox", SANDBOX_PLANS);
      const two = await plan(2, "sandbox", SANDBOX_PLANS);
      const aws = await plan(1, "static-site", AWS_PLANS);
      const perHour = (count: number, ms: number) => (count / ms) * 3_600_000;
      const figures: BenchFigure[] = [
        { name: `${SANDBOX_PLANS} sandbox plans, 1 worker`, value: one.ms / 1000, unit: "s" },
        { name: `${SANDBOX_PLANS} sandbox plans, 2 workers`, value: two.ms / 1000, unit: "s" },
        { name: "throughput ratio 2 workers / 1 worker", value: one.ms / two.ms, unit: "x", note: "on this machine's 2 cores" },
        { name: "sandbox plans per hour, 1 worker", value: perHour(SANDBOX_PLANS, one.ms), unit: "plans/h" },
        { name: `static-site (aws, moto) plans per hour, 1 worker`, value: perHour(AWS_PLANS, aws.ms), unit: "plans/h" },
        { name: "peak memory, the 1 worker (own / with Terraform)", value: one.peaks[0]!.own / MiB, unit: "MiB", note: `${(one.peaks[0]!.withChildren / MiB).toFixed(0)} MiB with Terraform` },
        ...two.peaks.map((peak, i) => ({ name: `peak memory, worker ${i + 1} of 2 (own / with Terraform)`, value: peak.own / MiB, unit: "MiB", note: `${(peak.withChildren / MiB).toFixed(0)} MiB with Terraform` })),
        { name: "peak memory, static-site worker with Terraform", value: aws.peaks[0]!.withChildren / MiB, unit: "MiB", note: "2 aws plans at once" },
      ];
      return figures;
    } finally {
      await githubHttp.close();
      github.uninstall();
      nock.enableNetConnect();
      await moto.stop();
      await postgres.stop();
      await rm(root, { recursive: true, force: true });
    }
  },
};

const SWEEP_ENVIRONMENTS = Number(process.env.BENCH_SWEEP_ENVIRONMENTS ?? 200);

/**
 * A drift sweep of 200 applied sandbox environments (state in PostgreSQL) fanned out over two
 * `envbot worker` processes, one job per environment, against the same sweep run in one process
 * as before scale-out (runDriftSweep, ENVBOT_CONCURRENCY=2). Both start from working directories
 * never used, as a worker on another machine would.
 */
export const scaleOutSweepBenchmark: Benchmark = {
  name: `scale-out: drift sweep of ${SWEEP_ENVIRONMENTS} sandbox environments over 2 workers against one process`,
  async run() {
    const root = await mkdtemp(path.join(tmpdir(), "envbot-bench-sweep-"));
    const postgres = await startPostgres();
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^127\.0\.0\.1(:\d+)?$/.test(host));
    const github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
    github.install();
    githubApi().get("/app/installations").query(true).reply(200, []).persist();
    const githubHttp = await serveGitHubOverHttp();
    const processes: AppProcess[] = [];
    const { openPostgresStore } = await import("../../src/adapters/store/postgres/index.js");
    const { pgBossQueue } = await import("../../src/adapters/queue/pg-boss-queue.js");
    const { engineFromSettings } = await import("../../src/composition/engine-from-settings.js");
    const { readSettings } = await import("../../src/adapters/server-env/settings.js");
    const { localRepoFiles } = await import("../../src/adapters/local/local-repo-files.js");
    const { validateEnvironments } = await import("../../src/core/validation/index.js");
    const { applyPlan, planEnvironment } = await import("../../src/core/engine/index.js");
    const { runDriftSweep } = await import("../../src/core/reconciling/index.js");
    const { consoleReconcileReporter } = await import("../../src/access/cli/console-reconcile-reporter.js");
    const { queuedJob } = await import("../../src/core/jobs/envbot-job.js");
    const { writeFile, mkdir } = await import("node:fs/promises");
    const store = await openPostgresStore({ connectionString: postgres.connectionString });
    try {
      // The repository: the starter's templates, state in pg, 200 sandbox environments.
      const main = await starterRepository();
      delete main["environments/sandbox.yaml"];
      main[".github/envbot.yml"] = main[".github/envbot.yml"]!.replace("backend: local", "backend: pg");
      for (let i = 1; i <= SWEEP_ENVIRONMENTS; i++) main[`environments/env-${i}.yaml`] = definitionYaml(`env-${i}`, "sandbox", "  ttl: 720h\n");
      github.commit("main", main);
      const repoDir = path.join(root, "repo");
      for (const [file, content] of Object.entries(main)) {
        await mkdir(path.dirname(path.join(repoDir, file)), { recursive: true });
        await writeFile(path.join(repoDir, file), content);
      }
      const cliConfig = await writeTerraformCliConfig(root, {});
      const engineIn = (dataDir: string) => {
        const env = { ...process.env, ENVBOT_DATA_DIR: dataDir, ENVBOT_DATABASE_URL: postgres.connectionString, PG_CONN_STR: postgres.connectionString, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1" };
        return engineFromSettings(readSettings(env, root), env, store);
      };
      const files = localRepoFiles(repoDir);
      const report = await validateEnvironments({ repo: files, now: new Date() });
      if (report.environments.length !== SWEEP_ENVIRONMENTS) throw new Error(`setup: ${report.environments.length} valid environments`);
      const context = { repository: github.fullName, actor: { kind: "cli" as const, user: "bench" }, templateFiles: files, config: report.config };

      // Set-up (not measured): every environment applied, two at a time.
      const setup = engineIn(path.join(root, "setup"));
      let next = 0;
      await Promise.all(
        [0, 1].map(async () => {
          while (next < report.environments.length) {
            const environment = report.environments[next++]!;
            const planned = await planEnvironment(setup, context, environment);
            if (!planned.ok) throw new Error(`setup: ${environment.name} did not plan: ${planned.reason}: ${planned.details}`);
            const applied = await applyPlan(setup, context, environment, planned);
            if (!applied.ok) throw new Error(`setup: ${environment.name} did not apply: ${applied.reason}: ${applied.details}`);
          }
        }),
      );

      // One process: the sweep as it ran before scale-out.
      const single = engineIn(path.join(root, "one-process"));
      const oneCpu = machineCpu();
      const oneStart = performance.now();
      const swept = await runDriftSweep({ deps: single, repository: github.fullName, files, reporter: consoleReconcileReporter(() => undefined), now: new Date(), dryRun: false, concurrency: 2 });
      const oneProcess = performance.now() - oneStart;
      const oneBusyCpu = oneCpu.busy();
      const oneBusy = Number(await queryPostgres(postgres.connectionString, `SELECT round(sum(extract(epoch from finished_at - started_at)) * 1000) FROM envbot.runs WHERE kind = 'drift'`));
      if (swept.entries.some((e) => e.action !== "in-sync")) throw new Error(`the one-process sweep should find every environment in sync: ${JSON.stringify(swept.entries.find((e) => e.action !== "in-sync"))}`);

      // Fanned out: one job per environment, on one worker and then on two, each from fresh working directories.
      const env: NodeJS.ProcessEnv = { ENVBOT_DATABASE_URL: postgres.connectionString, PG_CONN_STR: postgres.connectionString, TF_CLI_CONFIG_FILE: cliConfig, GHE_HOST: githubHttp.host, ENVBOT_CONCURRENCY: "2" };
      const queue = await pgBossQueue({ database: store.database, store, concurrency: 1, leaseTtlMs: 60_000, retry: { limit: 0, delaySeconds: 1, isRetryable: () => false }, onError: () => undefined });
      // Counted through the bench's own pool, over the runs since the last count by their key: a
      // psql process or a scan of every run per poll would take CPU from the workers it measures.
      const lastRun = async () => Number((await store.database.query<{ id: string }>("SELECT coalesce(max(id), 0) AS id FROM envbot.runs")).rows[0]!.id);
      const driftedSince = async (id: number) => Number((await store.database.query<{ n: string }>("SELECT count(*) AS n FROM envbot.runs WHERE id > $1 AND kind = 'drift' AND outcome = 'succeeded'", [id])).rows[0]!.n);
      const fanOut = async (count: number, concurrency = 2) => {
        const workers: AppProcess[] = [];
        for (let i = 1; i <= count; i++) workers.push(await startAppProcess({ ...env, ENVBOT_CONCURRENCY: String(concurrency), ENVBOT_DATA_DIR: path.join(root, `fan-${count}x${concurrency}-worker-${i}`) }, { role: "worker" }));
        processes.push(...workers);
        const before = await lastRun();
        const peaks = workers.map(() => 0);
        const sampler = setInterval(() => workers.forEach((w, i) => (peaks[i] = Math.max(peaks[i]!, w.memory().withChildren))), 500);
        const since = String(await queryPostgres(postgres.connectionString, "SELECT now()::text"));
        const cpu = machineCpu();
        const started = performance.now();
        const requestsBefore = recordedGitHubRequests().length;
        // As the server's dispatcher queues them: each job carries the commit its sweep read.
        const commit = github.headOf("main")!;
        for (const environment of report.environments) {
          await queue.enqueue(queuedJob({ kind: "sweep-environment", installation: DEFAULT_INSTALLATION_ID, repository: github.fullName, defaultBranch: "main", commit, sweep: "drift", environment: environment.name }));
        }
        await eventually(`every drift check of the sweep fanned out over ${count}`, async () => (await driftedSince(before)) >= SWEEP_ENVIRONMENTS, 60 * 60_000);
        const ms = performance.now() - started;
        const cpuBusy = cpu.busy();
        clearInterval(sampler);
        // Where the time goes: each check's own run time (Terraform slows as more run at once).
        const window = `kind = 'drift' AND started_at >= '${since}'::timestamptz`;
        const run = Number(await queryPostgres(postgres.connectionString, `SELECT round(avg(extract(epoch from finished_at - started_at)) * 1000) FROM envbot.runs WHERE ${window}`));
        // How much of the wall the checks filled: their summed run time over (wall x Terraforms at once).
        const busy = Number(await queryPostgres(postgres.connectionString, `SELECT round(sum(extract(epoch from finished_at - started_at)) * 1000) FROM envbot.runs WHERE ${window}`));
        for (const worker of workers) await worker.stop();
        processes.splice(0, processes.length, ...processes.filter((p) => !workers.includes(p)));
        const requests = tallyRequests(recordedGitHubRequests().slice(requestsBefore));
        return { ms, peaks, run, filled: busy / (ms * concurrency * count), requests, cpuBusy };
      };
      const one = await fanOut(1);
      const two = await fanOut(2);
      // As many Terraforms at once as the one process runs (2): the same work, only spread.
      const twoByOne = await fanOut(2, 1);
      await queue.stop(0);
      return [
        { name: `drift sweep of ${SWEEP_ENVIRONMENTS}, one process (concurrency 2)`, value: oneProcess / 1000, unit: "s", note: "the sweep before scale-out, files read locally" },
        { name: `drift sweep of ${SWEEP_ENVIRONMENTS}, fanned out, 1 worker`, value: one.ms / 1000, unit: "s", note: "one job per environment, files read from GitHub" },
        { name: `drift sweep of ${SWEEP_ENVIRONMENTS}, fanned out, 2 workers`, value: two.ms / 1000, unit: "s", note: `GitHub requests: ${two.requests || "none"}` },
        { name: "ratio 2 workers / 1 worker (throughput)", value: one.ms / two.ms, unit: "x", note: "on this machine's 2 cores" },
        { name: "ratio one process / 2 workers", value: oneProcess / two.ms, unit: "x" },
        { name: "ratio one process / 2 workers at ENVBOT_CONCURRENCY=1", value: oneProcess / twoByOne.ms, unit: "x", note: `${(twoByOne.ms / 1000).toFixed(1)} s: 2 Terraforms at once, as in the one process` },
        { name: "one drift check's run, fanned out, 1 worker", value: one.run, unit: "ms", note: `${two.run} ms with 2 workers: Terraform slows as more run at once` },
        { name: "Terraform slots filled by checks: one process", value: oneBusy / (oneProcess * 2), unit: "x", note: `fanned out: ${one.filled.toFixed(2)} with 1 worker, ${two.filled.toFixed(2)} with 2 (the rest is jobs' bookkeeping)` },
        { name: "machine's CPU busy during the sweep: one process", value: oneBusyCpu, unit: "x", note: `fanned out: ${one.cpuBusy.toFixed(2)} with 1 worker, ${two.cpuBusy.toFixed(2)} with 2 (of ${cpus().length} cores)` },
        ...two.peaks.map((peak, i) => ({ name: `peak memory, worker ${i + 1} of 2 with Terraform`, value: peak / MiB, unit: "MiB" })),
      ];
    } finally {
      for (const p of processes) await p.stop();
      await store.close();
      await githubHttp.close();
      github.uninstall();
      nock.enableNetConnect();
      await postgres.stop();
      await rm(root, { recursive: true, force: true });
    }
  },
};

/** The machine's CPU time from /proc/stat: busy and total jiffies of all cores. */
function cpuJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + fields[4]!; // idle + iowait
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** How busy the whole machine's CPU was (0-1) between this call and busy(): whether work waited on it. */
function machineCpu(): { busy(): number } {
  const start = cpuJiffies();
  return {
    busy() {
      const end = cpuJiffies();
      return (end.busy - start.busy) / Math.max(1, end.total - start.total);
    },
  };
}
