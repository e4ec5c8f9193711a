import { cliTerraformRunner, initRetryingBackendRace, LOCAL_STATE_REFUSED } from "../../../src/adapters/terraform/cli-terraform-runner.js";
import type { PlanRequest } from "../../../src/core/ports/index.js";
import { ConfigurationError, TerraformError } from "../../../src/core/terraform/index.js";

const runner = cliTerraformRunner({
  binary: "terraform-that-must-not-run",
  dataDir: "/nonexistent/envbot-data",
  timeoutMs: 1000,
  killGraceMs: 100,
  lockTimeoutMs: 100,
  aws: { region: "us-east-1" },
  serverEnv: {},
  sharedStateOnly: true,
});

test("in scale-out a plan of an environment whose state would stay on one machine's disk is refused before anything runs, saying what to set", async () => {
  const request = { repository: "acme/envs", state: { backend: "local" }, environment: { name: "web" } } as unknown as PlanRequest;
  const planning = runner.plan(request, { secrets: {}, redact: (text) => text });
  await expect(planning).rejects.toThrow(ConfigurationError);
  await expect(planning).rejects.toThrow(LOCAL_STATE_REFUSED);
  expect(LOCAL_STATE_REFUSED).toContain("Set state.backend to pg");
});

describe("the pg backend's first init racing another session's", () => {
  const race = () => new TerraformError("terraform init failed", 'Error: pq: duplicate key value violates unique constraint "pg_class_relname_nsp_index"');

  test("an init that lost the catalog race is run again until it succeeds", async () => {
    let attempts = 0;
    await initRetryingBackendRace(async () => {
      if (++attempts < 3) throw race();
    });
    expect(attempts).toBe(3);
  });

  test("any other init failure, or the race lost four times, is the caller's", async () => {
    let attempts = 0;
    const other = new TerraformError("terraform init failed", "Error: Invalid backend configuration");
    await expect(initRetryingBackendRace(async () => void (attempts++, (() => { throw other; })()))).rejects.toBe(other);
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(initRetryingBackendRace(async () => void (attempts++, (() => { throw race(); })()))).rejects.toThrow("terraform init failed");
    expect(attempts).toBe(4);
  });
});
