import { cliTerraformRunner, LOCAL_STATE_REFUSED } from "../../../src/adapters/terraform/cli-terraform-runner.js";
import type { PlanRequest } from "../../../src/core/ports.js";
import { ConfigurationError } from "../../../src/core/terraform/index.js";

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
