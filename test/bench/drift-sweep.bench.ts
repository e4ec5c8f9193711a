import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { localRepoFiles } from "../../src/adapters/local/local-repo-files.js";
import { locations } from "../../src/adapters/terraform/cli-terraform-runner.js";
import { consoleReconcileReporter } from "../../src/access/cli/console-reconcile-reporter.js";
import { applyPlan, planEnvironment, type OperationContext } from "../../src/core/engine/index.js";
import { runDriftSweep } from "../../src/core/reconciling/index.js";
import { validateEnvironments } from "../../src/core/validation/index.js";
import { engineFromSettings } from "../../src/composition/engine-from-settings.js";
import { openStore } from "../../src/composition/open-backends.js";
import { readSettings } from "../../src/adapters/server-env/settings.js";
import { writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";
import type { Benchmark } from "./bench-harness.js";

const run = promisify(execFile);
const ENVIRONMENTS = 50;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);

/**
 * One drift sweep over 50 applied sandbox environments, against 50 single plans of the same
 * environments divided by the sweep's concurrency, and against raw `terraform plan` of the same
 * working directories as many at once (its floor); one plan inside a process (the worker's and
 * the App's path: records, lease, working directory, the plan) against one raw plan; and the peak
 * memory of envbot and its Terraform processes during the sweep.
 */
export const driftSweepBenchmark: Benchmark = {
  name: `drift sweep over ${ENVIRONMENTS} sandbox environments (concurrency ${CONCURRENCY})`,
  async run() {
    const root = await mkdtemp(path.join(tmpdir(), "envbot-bench-drift-"));
    try {
      const repo = path.join(root, "repo");
      await cp(path.join(path.dirname(new URL(import.meta.url).pathname), "../../environments-template"), repo, { recursive: true });
      await rm(path.join(repo, "environments", "sandbox.yaml"));
      for (let i = 1; i <= ENVIRONMENTS; i++) {
        await writeFile(path.join(repo, "environments", `env-${i}.yaml`), `apiVersion: envbot.dev/v1\nkind: Environment\nmetadata:\n  name: env-${i}\n  owner: "@acme/bench"\nspec:\n  template: sandbox\n  variables:\n    replicas: 3\n`);
      }
      const env = { ...process.env, ENVBOT_DATA_DIR: path.join(root, "data"), TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, {}), TF_IN_AUTOMATION: "1" };
      const settings = readSettings(env, root);
      const deps = engineFromSettings(settings, env, (await openStore(settings)).store);
      const files = localRepoFiles(repo);
      const report = await validateEnvironments({ repo: files, now: new Date() });
      const context: OperationContext = { repository: repo, actor: { kind: "cli", user: "bench" }, templateFiles: files, config: report.config };
      for (const environment of report.environments) {
        const planned = await planEnvironment(deps, context, environment);
        if (!planned.ok || !(await applyPlan(deps, context, environment, planned)).ok) throw new Error(`setup: ${environment.name} did not apply`);
      }

      const singlesStart = performance.now();
      for (const environment of report.environments) {
        if (!(await planEnvironment(deps, context, environment)).ok) throw new Error("plan failed");
      }
      const singles = performance.now() - singlesStart;

      const sweepOnce = async () => {
        const result = await runDriftSweep({ deps, repository: repo, files, reporter: consoleReconcileReporter(() => undefined), now: new Date(), dryRun: false, concurrency: CONCURRENCY });
        if (result.entries.length !== ENVIRONMENTS || result.entries.some((e) => e.action !== "in-sync")) throw new Error(`the sweep should find every environment in sync: ${JSON.stringify(result.entries.slice(0, 3))}`);
      };
      const sweepStart = performance.now();
      await sweepOnce();
      const sweep = performance.now() - sweepStart;
      // Its peak memory in a second sweep: sampling /proc every 50 ms takes CPU the timed one must not share.
      const memory = sampleTreeMemory();
      await sweepOnce();
      const peak = await memory.stop();
      await deps.store.close();

      // The limit: Terraform alone, the same plans in the same working directories, as many at once.
      const workDirs = report.environments.map((e) => locations(env.ENVBOT_DATA_DIR, repo, e.name).workDir);
      const terraformEnv = { ...env, TF_PLUGIN_CACHE_DIR: path.join(env.ENVBOT_DATA_DIR, "plugin-cache") };
      const rawStart = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < workDirs.length) await run("terraform", ["plan", "-input=false", "-no-color"], { cwd: workDirs[next++]!, env: terraformEnv });
        }),
      );
      const raw = performance.now() - rawStart;
      const rawOneAtATimeStart = performance.now();
      for (const cwd of workDirs) await run("terraform", ["plan", "-input=false", "-no-color"], { cwd, env: terraformEnv });
      const rawOneAtATime = performance.now() - rawOneAtATimeStart;
      return [
        { name: "one plan inside a process (mean)", value: singles / ENVIRONMENTS, unit: "ms" },
        { name: "one raw terraform plan (mean)", value: rawOneAtATime / ENVIRONMENTS, unit: "ms" },
        { name: "ratio plan inside a process / raw terraform plan", value: singles / rawOneAtATime, unit: "x", note: "target <= 1.15" },
        { name: "drift sweep wall time", value: sweep, unit: "ms" },
        { name: `${ENVIRONMENTS} single plans / ${CONCURRENCY}`, value: singles / CONCURRENCY, unit: "ms" },
        { name: "ratio sweep / (single plans / concurrency)", value: sweep / (singles / CONCURRENCY), unit: "x", note: "target <= 1.2: one plan per environment" },
        { name: `${ENVIRONMENTS} raw terraform plans, ${CONCURRENCY} at a time`, value: raw, unit: "ms" },
        { name: "ratio sweep / raw terraform plans", value: sweep / raw, unit: "x", note: "target <= 1.15, against the floor: raw plans at the same concurrency" },
        { name: "peak memory, envbot + terraform processes", value: peak / 1024, unit: "MiB" },
      ];
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};

/**
 * Samples the resident memory (KiB) of this process and its descendants (Terraform, providers)
 * every 50 ms, from /proc: spawning `ps` that often would itself slow the sweep it measures.
 */
function sampleTreeMemory(): { stop(): Promise<number> } {
  let peak = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let total = 0;
      for (const pid of await descendants(process.pid)) total += await residentKiB(pid);
      peak = Math.max(peak, total + process.memoryUsage().rss / 1024);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return peak;
    },
  };
}

async function descendants(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const children: number[] = [];
  for (const task of tasks) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "");
    children.push(...text.split(" ").filter(Boolean).map(Number));
  }
  const below = await Promise.all(children.map(descendants));
  return [...children, ...below.flat()];
}

async function residentKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}
