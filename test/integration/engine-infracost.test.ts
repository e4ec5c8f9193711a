import { readdir } from "node:fs/promises";
import path from "node:path";
import { locations } from "../../src/adapters/terraform/cli-terraform-runner.js";
import { fixturePath } from "../helpers/fixtures.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// The real terraform binary on the starter sandbox template (terraform_data: no provider, no
// cloud), with the fake infracost on the PATH (test/fixtures/infracost: it prices each
// terraform_data at $0.0123/hour, and fails like the real one without INFRACOST_API_KEY).

const FAKE_INFRACOST_DIR = fixturePath("infracost");
const THREE_REPLICAS = "  ttl: 72h\n  variables:\n    replicas: 3\n";

async function planWith(sandbox: EngineSandbox): Promise<{ cost: unknown }> {
  await sandbox.writeDefinition("sandbox", definitionYaml("sandbox", "sandbox", THREE_REPLICAS));
  const result = await runEnvbot(["plan", "sandbox", "--json"], { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });
  expect(result.stderr).not.toContain("internal error");
  expect(result.code).toBe(0); // Infracost's failure is never the plan's
  return JSON.parse(result.stdout) as { cost: unknown };
}

/** Files the pricing left in the environment's working directory (none: the plan JSON is removed). */
async function leftBehind(sandbox: EngineSandbox): Promise<string[]> {
  const { workDir } = locations(sandbox.dataDir, sandbox.repository, "sandbox");
  return (await readdir(workDir)).filter((name) => name.startsWith("infracost"));
}

describe("a plan priced by Infracost, found on the PATH", () => {
  let sandbox: EngineSandbox;
  afterEach(async () => {
    await sandbox.cleanup();
  });

  test("the plan's cost is Infracost's breakdown of the plan itself: three instances, three prices", async () => {
    sandbox = await createEngineSandbox({
      env: {
        PATH: `${FAKE_INFRACOST_DIR}${path.delimiter}${process.env.PATH}`,
        // Unset (the sandbox turns it off): found on the PATH.
        ENVBOT_INFRACOST: undefined,
        INFRACOST_API_KEY: "ico-test-key",
        // The fake refuses to run with any variable Infracost does not need: these stay with envbot.
        AWS_SECRET_ACCESS_KEY: "aws-secret-for-terraform-only",
        WEBHOOK_SECRET: "envbot-only",
      },
    });
    const summary = await planWith(sandbox);
    expect(summary.cost).toEqual({
      hourly: 0.0369,
      source: "infracost",
      breakdown: {
        monthly: 26.94,
        resources: [0, 1, 2].map((i) => ({ address: `module.environment.terraform_data.instance[${i}]`, hourly: 0.0123 })),
      },
    });
    expect(await leftBehind(sandbox)).toEqual([]);
  });

  test("when infracost fails (no INFRACOST_API_KEY), the plan goes on at the price table's estimate, and says why", async () => {
    sandbox = await createEngineSandbox({ env: { PATH: `${FAKE_INFRACOST_DIR}${path.delimiter}${process.env.PATH}`, ENVBOT_INFRACOST: undefined } });
    const summary = await planWith(sandbox);
    expect(summary.cost).toEqual({ hourly: 0, source: "estimate", fallback: "infracost failed: No INFRACOST_API_KEY environment variable is set." });
    expect(await leftBehind(sandbox)).toEqual([]);
  });

  test("ENVBOT_INFRACOST=off: the price table's estimate, without a word about Infracost", async () => {
    sandbox = await createEngineSandbox({ env: { PATH: `${FAKE_INFRACOST_DIR}${path.delimiter}${process.env.PATH}`, INFRACOST_API_KEY: "ico-test-key", ENVBOT_INFRACOST: "off" } });
    const summary = await planWith(sandbox);
    expect(summary.cost).toEqual({ hourly: 0, source: "estimate" });
  });
});
