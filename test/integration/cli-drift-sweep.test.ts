import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
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

/** What envbot recorded: the runs and audit trail as `history` and `audit` print them, and the events waiting in the outbox. */
async function recorded(): Promise<{ runs: unknown; audit: unknown; events: unknown }> {
  const runs = JSON.parse((await envbot(["history", "tea", "--json"])).stdout);
  const audit = JSON.parse((await envbot(["audit", "--json"])).stdout);
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    return { runs, audit, events: (await store.pendingEvents(1000)).map((entry) => entry.event.id) };
  } finally {
    await store.close();
  }
}

test("a dry run checks for drift as a sweep does, and records no run, no audit entry and no event", async () => {
  // The definition in Git differs from what was applied (the test before): a sweep would report it.
  const before = await recorded();
  expect(before.runs).not.toEqual([]);
  const result = await envbot(["reconcile", "--once", "--dry-run", "--json"]);
  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as { sweep: string }[]).filter((entry) => entry.sweep === "drift")).toEqual([
    { sweep: "drift", name: "tea", action: "drift", detail: "1 change(s) in Git not applied" },
  ]);
  expect(await recorded()).toEqual(before);
});
