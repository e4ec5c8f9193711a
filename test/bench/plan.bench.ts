import { cp, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { locations } from "../../src/adapters/terraform/cli-terraform-runner.js";
import { awsTestEnv, startMoto } from "../helpers/moto-server.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";
import { pairedMedians, timeProcess, type BenchFigure, type Benchmark } from "./bench-harness.js";

const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/**
 * `envbot plan NAME` (the whole CLI process: start-up, validation, the lease and run records,
 * synthesis and init when needed, the plan) against the limit: raw `terraform plan` in the very
 * working directory envbot prepared, already initialized. Runs alternate (envbot, terraform, ...).
 * Two situations: an environment not applied yet (every plan creates everything), and an applied
 * one planned again with nothing to change (a re-plan of a PR, a drift check). The applied one is
 * also measured against its floor, what no Node program can go below: Node's own start-up
 * (`node -e ''`) plus the raw plan, both timed within each pair.
 */
export const planBenchmark: Benchmark = {
  name: "envbot plan vs raw terraform plan in the same initialized directory",
  async run() {
    const figures: BenchFigure[] = [];
    // A sandbox pair takes under half a second: 21 of them keep the medians steady on a busy machine.
    figures.push(...(await planCase({ name: "sandbox", template: "sandbox", runs: 21, target: 1.5, floorTarget: 1.5 })));
    const moto = await startMoto();
    try {
      figures.push(
        ...(await planCase({
          name: "static-site on moto",
          template: "static-site",
          runs: 5,
          target: 1.05,
          env: { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint },
        })),
      );
    } finally {
      await moto.stop();
    }
    return figures;
  },
};

async function planCase(input: { name: string; template: string; runs: number; target: number; floorTarget?: number; env?: NodeJS.ProcessEnv }): Promise<BenchFigure[]> {
  const root = await mkdtemp(path.join(tmpdir(), "envbot-bench-plan-"));
  try {
    const repo = path.join(root, "repo");
    const dataDir = path.join(root, "data");
    await cp(path.join(projectRoot, "environments-template"), repo, { recursive: true });
    await rm(path.join(repo, "environments", "sandbox.yaml"));
    await writeFile(
      path.join(repo, "environments", "bench.yaml"),
      `apiVersion: envbot.dev/v1\nkind: Environment\nmetadata:\n  name: bench\n  owner: "@acme/bench"\nspec:\n  template: ${input.template}\n  ttl: 24h\n`,
    );
    const env = {
      ...process.env,
      ...input.env,
      ENVBOT_DATA_DIR: dataDir,
      TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR }),
      TF_IN_AUTOMATION: "1",
      NO_COLOR: "1",
    };
    const envbot = (...args: string[]) => timeProcess(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), ...args], { cwd: repo, env });
    await envbot("plan", "bench"); // creates and initializes the working directory
    const workDir = locations(dataDir, await realpath(repo), "bench").workDir;
    // Terraform as a person would run it there: the same provider cache envbot gives it.
    const terraformEnv = { ...env, TF_PLUGIN_CACHE_DIR: path.join(dataDir, "plugin-cache") };
    const rawPlan = () => timeProcess("terraform", ["plan", "-input=false", "-no-color", "-lock-timeout=60s"], { cwd: workDir, env: terraformEnv });

    const creating = await pairedMedians(() => envbot("plan", "bench"), rawPlan, { runs: input.runs });
    await envbot("apply", "bench", "--yes");
    const applied = await pairedMedians(() => envbot("plan", "bench"), rawPlan, { runs: input.runs });
    const nodeStart = () => timeProcess(process.execPath, ["-e", ""], { env });
    const floor = input.floorTarget === undefined ? undefined : await pairedMedians(() => envbot("plan", "bench"), async () => (await nodeStart()) + (await rawPlan()), { runs: input.runs });
    return [
      ...(floor
        ? [
            { name: `${input.name}, applied, no changes: node start-up + terraform plan (floor)`, value: floor.b, unit: "ms" },
            { name: `${input.name}, applied, no changes: envbot plan / floor`, value: floor.ratio, unit: "x", note: `target <= ${input.floorTarget}` },
          ]
        : []),
      { name: `${input.name}, applied, no changes: envbot plan`, value: applied.a, unit: "ms" },
      { name: `${input.name}, applied, no changes: terraform plan`, value: applied.b, unit: "ms" },
      { name: `${input.name}, applied, no changes: ratio`, value: applied.ratio, unit: "x", note: `target <= ${input.target}` },
      { name: `${input.name}, not applied (creates): envbot plan`, value: creating.a, unit: "ms" },
      { name: `${input.name}, not applied (creates): terraform plan`, value: creating.b, unit: "ms" },
      { name: `${input.name}, not applied (creates): ratio`, value: creating.ratio, unit: "x", note: "lists what each creation sets: one more terraform show -json" },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
