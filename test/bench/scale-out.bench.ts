import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import nock from "nock";
import { sha, starterRepository } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually, startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp } from "../helpers/github/github-over-http.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { awsTestEnv, startMoto } from "../helpers/moto-server.js";
import { queryPostgres, startPostgres } from "../helpers/postgres-server.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";
import type { BenchFigure, Benchmark } from "./bench-harness.js";

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
