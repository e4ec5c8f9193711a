import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { locations } from "../../src/adapters/terraform/cli-terraform-runner.js";

import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { awsTestEnv, startMoto } from "../helpers/moto-server.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";
import { medianMs, type Benchmark } from "./bench-harness.js";

const run = promisify(execFile);
const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const RUNS = 5;

/**
 * `envbot plan` (the whole CLI: start-up, validation, synthesis, init when needed, plan, show)
 * against raw `terraform init && terraform plan` on the same synthesized configuration, both with
 * a warm plugin cache: the static-site template with the aws provider, against moto.
 */
export const planBenchmark: Benchmark = {
  name: "envbot plan vs terraform init && plan (static-site, aws provider, moto)",
  async run() {
    const moto = await startMoto();
    const root = await mkdtemp(path.join(tmpdir(), "envbot-bench-plan-"));
    try {
      const repo = path.join(root, "repo");
      const dataDir = path.join(root, "data");
      await cp(path.join(projectRoot, "environments-template"), repo, { recursive: true });
      await writeFile(
        path.join(repo, "environments", "site.yaml"),
        'apiVersion: envbot.dev/v1\nkind: Environment\nmetadata:\n  name: site\n  owner: "@acme/bench"\nspec:\n  template: static-site\n  ttl: 24h\n',
      );
      const env = {
        ...process.env,
        ...awsTestEnv(moto.endpoint),
        ENVBOT_AWS_ENDPOINT: moto.endpoint,
        ENVBOT_DATA_DIR: dataDir,
        TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR }),
        TF_PLUGIN_CACHE_DIR: path.join(dataDir, "plugin-cache"),
        TF_IN_AUTOMATION: "1",
      };
      const envbotPlan = () => run(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), "plan", "site", "--json"], { cwd: repo, env, maxBuffer: 64 << 20 });
      await envbotPlan(); // first plan: creates the working directory, installs the provider into the cache

      // The baseline runs in a copy of exactly what envbot synthesized, initialized afresh each time.
      const synthesized = locations(dataDir, await realpath(repo), "site").workDir;
      const raw = path.join(root, "raw");
      const rawPlan = async () => {
        await rm(raw, { recursive: true, force: true });
        await mkdir(raw);
        await cp(path.join(synthesized, "cdk.tf.json"), path.join(raw, "cdk.tf.json"));
        await cp(path.join(synthesized, "template"), path.join(raw, "template"), { recursive: true });
        await run("terraform", ["init", "-input=false", "-no-color"], { cwd: raw, env });
        await run("terraform", ["plan", "-input=false", "-no-color"], { cwd: raw, env, maxBuffer: 64 << 20 });
      };

      const baseline = await medianMs(rawPlan, { runs: RUNS, warmup: 1 });
      const envbot = await medianMs(envbotPlan, { runs: RUNS, warmup: 1 });
      return [
        { name: "envbot plan (CLI, median)", value: envbot, unit: "ms" },
        { name: "terraform init && plan (median)", value: baseline, unit: "ms" },
        { name: "ratio envbot / raw terraform", value: envbot / baseline, unit: "x", note: "target <= 1.15" },
      ];
    } finally {
      await rm(root, { recursive: true, force: true });
      await moto.stop();
    }
  },
};
