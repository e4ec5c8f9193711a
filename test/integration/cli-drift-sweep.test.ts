import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot reconcile --once --only drift` on the terraform_data sandbox (real terraform, no
// provider): what the operator reads. Cloud drift itself needs a cloud: engine-static-site-moto.

let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });

beforeAll(async () => {
  sandbox = await createEngineSandbox();
  await sandbox.writeDefinition("tea", definitionYaml("tea", "sandbox", "  variables:\n    greeting: hi\n"));
  expect((await envbot(["apply", "tea", "--yes"])).code).toBe(0);
});
afterAll(async () => {
  await sandbox?.cleanup();
});

test("right after apply the drift sweep finds the environment in sync", async () => {
  const result = await envbot(["reconcile", "--once", "--only", "drift", "--json"]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual([{ sweep: "drift", name: "tea", action: "in-sync" }]);
});

test("a change in Git that was not applied is reported by the drift sweep as such, not as cloud drift", async () => {
  await sandbox.writeDefinition("tea", definitionYaml("tea", "sandbox", "  variables:\n    greeting: changed in git\n"));
  const result = await envbot(["reconcile", "--once", "--only", "drift"]);
  expect(result.stdout).toContain("pending: tea: module.environment.terraform_data.instance[0] would update (the definition in Git is not applied)");
  expect(result.stdout).not.toContain("changed outside Terraform");
});
