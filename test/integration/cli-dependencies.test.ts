import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Dependencies from the command line, with the real terraform binary: an environment that takes
// another's output is applied with it, and `envbot status NAME` shows both directions.
let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env });

beforeEach(async () => {
  sandbox = await createEngineSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

test("applied after its upstream, a dependent takes its output; status NAME names what it takes and who takes its outputs", async () => {
  await sandbox.writeDefinition("net", definitionYaml("net", "sandbox", "  variables:\n    greeting: from-net\n"));
  await sandbox.writeDefinition("db", definitionYaml("db", "sandbox", "  variables:\n    greeting: { fromEnvironment: net, output: greeting }\n"));
  // Before its upstream is applied, the dependent's plan says why it cannot be planned.
  const early = await envbot(["plan", "db"]);
  expect(early.code).not.toBe(0);
  expect(early.stdout + early.stderr).toContain("variable greeting takes the output greeting of net, which is not applied: apply net first");
  expect((await envbot(["apply", "net", "--yes"])).code).toBe(0);
  const applied = await envbot(["apply", "db", "--yes"]);
  expect(applied.code).toBe(0);
  const status = await envbot(["status", "db", "--json"]);
  expect(JSON.parse(status.stdout)).toEqual([expect.objectContaining({ name: "db", status: "active", upstreams: [{ environment: "net", variable: "greeting", output: "greeting" }], dependents: [] })]);
  const net = await envbot(["status", "net"]);
  expect(net.stdout).toContain("Its outputs are taken by: db (greeting <- greeting)");
  expect((await envbot(["status", "db"])).stdout).toContain("Takes outputs of: net (greeting <- greeting)");
});
