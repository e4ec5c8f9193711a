import { cliTerraformRunner, initRetryingBackendRace, LOCAL_STATE_REFUSED, PG_RACE_RETRY_NOTE } from "../../../src/adapters/terraform/cli-terraform-runner.js";
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

  test("an init that lost the catalog race is run again until it succeeds, and the lost attempts' errors are not shown", async () => {
    let attempts = 0;
    const shown: string[] = [];
    await initRetryingBackendRace(async (hold) => {
      hold(`Initializing the backend (attempt ${++attempts})...`);
      if (attempts < 3) {
        hold('Error: pq: duplicate key value violates unique constraint "pg_class_relname_nsp_index"');
        throw race();
      }
      hold("Terraform has been successfully initialized!");
    }, (line) => shown.push(line));
    expect(attempts).toBe(3);
    expect(shown).toEqual([PG_RACE_RETRY_NOTE, PG_RACE_RETRY_NOTE, "Initializing the backend (attempt 3)...", "Terraform has been successfully initialized!"]);
  });

  test("a failure that is not retried shows the output of its attempt", async () => {
    const shown: string[] = [];
    const other = new TerraformError("terraform init failed", "Error: Invalid backend configuration");
    const failing = initRetryingBackendRace(async (hold) => {
      hold("Error: Invalid backend configuration");
      throw other;
    }, (line) => shown.push(line));
    await expect(failing).rejects.toBe(other);
    expect(shown).toEqual(["Error: Invalid backend configuration"]);
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
