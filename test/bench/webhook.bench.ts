import { execFile } from "node:child_process";
import { cp, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import nock from "nock";
import { createAppHarness, sha, starterRepository } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { startEnvbotHttpServer } from "../helpers/envbot-http-server.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { awsTestEnv, startMoto } from "../helpers/moto-server.js";
import { medianMs, type Benchmark } from "./bench-harness.js";

const run = promisify(execFile);
const DELIVERIES = 300;
const PULL_REQUESTS = 10;

/**
 * The GitHub App under load on loopback: (1) how fast signed webhook deliveries are acknowledged
 * while plans run, (2) the time from a delivery to its first plan comment (posted when Terraform
 * has planned, before the attributes are read) and to the finished one, against raw
 * `terraform init && terraform plan` of the same configuration (static-site on moto).
 */
export const webhookBenchmark: Benchmark = {
  name: "GitHub App: webhook acknowledgement and delivery-to-comment (static-site, moto)",
  async run() {
    const moto = await startMoto();
    const app = await createAppHarness({ env: { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint } });
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^127\.0\.0\.1(:\d+)?$/.test(host));
    app.github.install();
    app.github.permissions.set("octocat", "write");
    const main = await starterRepository();
    app.github.commit(sha("main"), main);
    app.github.commit("main", main);
    for (let n = 1; n <= PULL_REQUESTS; n++) {
      const name = `site-${n}`;
      app.github.commit(sha(`head-${n}`), { ...main, [`environments/${name}.yaml`]: definitionYaml(name, "static-site") });
      app.github.pullRequests.set(n, { number: n, headSha: sha(`head-${n}`), baseSha: sha("main"), author: "octocat", files: [{ filename: `environments/${name}.yaml`, status: "added" }] });
    }
    // The server `npm start` runs (src/composition/start-process.ts builds the same createHttpServer).
    const server = await startEnvbotHttpServer(app.services);
    const url = server.webhookUrl;
    const deliver = (n: number, action: "opened" | "synchronize") =>
      deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, ...pullRequestEvent({ action, number: n, headSha: sha(`head-${n}`), baseSha: sha("main") }) });

    try {
      // (2) One pull request, nothing else running: delivery -> plan comment.
      let toFirstComment = Number.NaN;
      const started = performance.now();
      app.github.onCommentCreated.push(() => void (Number.isNaN(toFirstComment) && (toFirstComment = performance.now() - started)));
      await deliver(1, "opened");
      await app.services.queue.idle();
      const toComment = performance.now() - started;
      if (app.github.botComments(1).length !== 1) throw new Error("no plan comment");
      const workDir = path.join(app.dataDir, "work", app.github.fullName, "site-1");
      const raw = path.join(app.dataDir, "raw");
      const env = { ...app.env, TF_PLUGIN_CACHE_DIR: path.join(app.dataDir, "plugin-cache"), TF_IN_AUTOMATION: "1" };
      const rawPlan = await medianMs(
        async () => {
          await rm(raw, { recursive: true, force: true });
          await mkdir(raw);
          await cp(path.join(workDir, "cdk.tf.json"), path.join(raw, "cdk.tf.json"));
          await cp(path.join(workDir, "envbot-tags.auto.tfvars.json"), path.join(raw, "envbot-tags.auto.tfvars.json"));
          await cp(path.join(workDir, "template"), path.join(raw, "template"), { recursive: true });
          await run("terraform", ["init", "-input=false"], { cwd: raw, env });
          await run("terraform", ["plan", "-input=false"], { cwd: raw, env });
        },
        { runs: 3, warmup: 0 },
      );

      // (1) Hundreds of deliveries while plans of other pull requests run.
      const latencies: number[] = [];
      for (let i = 0; i < DELIVERIES; i++) {
        const t = performance.now();
        const response = await deliver(2 + (i % (PULL_REQUESTS - 1)), "synchronize");
        latencies.push(performance.now() - t);
        if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
      }
      const runningAtEnd = app.github.checkRuns.filter((c) => c.status === "in_progress").length;
      await app.services.queue.idle();
      latencies.sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
      return [
        { name: `ack latency median (${DELIVERIES} deliveries)`, value: at(0.5), unit: "ms" },
        { name: "ack latency p99", value: at(0.99), unit: "ms" },
        { name: "plans still running when the last delivery was acknowledged", value: runningAtEnd, unit: "checks" },
        { name: "delivery -> first plan comment", value: toFirstComment, unit: "ms" },
        { name: "delivery -> finished plan comment", value: toComment, unit: "ms" },
        { name: "raw terraform init && plan (median of 3)", value: rawPlan, unit: "ms" },
        { name: "ratio delivery-to-first-comment / raw terraform", value: toFirstComment / rawPlan, unit: "x", note: "target <= 1.1" },
        { name: "ratio delivery-to-finished-comment / raw terraform", value: toComment / rawPlan, unit: "x" },
      ];
    } finally {
      await server.close();
      app.github.uninstall();
      nock.enableNetConnect();
      await app.cleanup();
      await moto.stop();
    }
  },
};
