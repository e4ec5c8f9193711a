import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { locations } from "../../src/adapters/terraform/cli-terraform-runner.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// The real terraform binary on the starter sandbox template (terraform_data: no provider, no cloud).

let sandbox: EngineSandbox;
const envbot = (argv: string[], answers?: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, answers, now: new Date() });
const statusOf = async (name: string) => {
  const result = await envbot(["status", "--json"]);
  return (JSON.parse(result.stdout) as { name: string; status: string }[]).find((e) => e.name === name)?.status;
};

describe("the sandbox environment from plan to destroy", () => {
  beforeAll(async () => {
    sandbox = await createEngineSandbox();
  });
  afterAll(async () => {
    await sandbox.cleanup();
  });

  test("plan shows one resource to add and records the environment as planned", async () => {
    const result = await envbot(["plan", "sandbox", "--json"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ environment: "sandbox", changes: { add: 1, change: 0, destroy: 0 }, hasChanges: true });
    // What the create sets, as Terraform's plan shows it (issue 11: plans that read like Terraform's).
    expect(summary.resources).toEqual([
      {
        address: "module.environment.terraform_data.instance[0]",
        action: "create",
        attributes: [
          { path: "input.greeting", after: '"hello from envbot"' },
          { path: "input.name", after: '"instance-0"' },
          { path: "id", unknown: true },
          { path: "output", unknown: true },
        ],
      },
    ]);
    expect(await statusOf("sandbox")).toBe("planned");
  });

  test("apply asks first; anything but 'yes' changes nothing", async () => {
    const result = await envbot(["apply", "sandbox"], ["no"]);
    expect(result.code).toBe(3); // its own exit status: not confirmed
    expect(result.stderr).toContain("Not applied: the answer was not 'yes'.");
    expect(result.questions).toEqual(["\nApply these changes to sandbox? Only 'yes' is accepted: "]);
    expect(await statusOf("sandbox")).toBe("planned");
  });

  test("apply without a terminal and without --yes is refused before anything runs", async () => {
    const result = await envbot(["apply", "sandbox"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("refusing to apply without confirmation: run it on a terminal or pass --yes");
  });

  test("apply --yes creates it, prints its outputs and marks it active with an expiry", async () => {
    const result = await envbot(["apply", "sandbox", "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Applied sandbox.\n");
    expect(result.stdout).toContain('  greeting = "hello from envbot"\n');
    expect(result.stderr).toMatch(/ {2}│ \d+:\d\d Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./); // with the elapsed time
    // What the apply created, as the plan showed it before asking.
    expect(result.stdout).toContain('input.greeting = "hello from envbot"');
    // The refresh after the apply says what it is, and not "0 added" right after "1 added".
    expect(result.stderr).toContain("Refreshing the state: recording attributes providers fill in after an apply (nothing is changed).");
    expect(result.stderr).not.toContain("Resources: 0 added");
    const status = JSON.parse((await envbot(["status", "--json"])).stdout)[0];
    expect(status).toMatchObject({ name: "sandbox", status: "active", template: "sandbox", lastRun: { kind: "apply", outcome: "succeeded" } });
    // ttl 72h counts from the first apply.
    expect(Date.parse(status.expiresAt) - Date.parse(status.firstAppliedAt)).toBe(72 * 3600 * 1000);
  });

  test("a second plan finds nothing to change (the expires-at tag is stable)", async () => {
    const result = await envbot(["plan", "sandbox", "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ changes: { add: 0, change: 0, destroy: 0 }, hasChanges: false, resources: [] });
    expect((await envbot(["plan", "sandbox"])).stdout).toBe("No changes for sandbox: the environment matches its definition.\n");
  });

  test("a changed variable plans an update that names the attribute, before and after", async () => {
    const original = await readFile(path.join(sandbox.repoDir, "environments", "sandbox.yaml"), "utf8");
    await sandbox.writeDefinition("sandbox", original.replace("greeting: hello from envbot", "greeting: hello again"));
    const summary = JSON.parse((await envbot(["plan", "sandbox", "--json"])).stdout);
    expect(summary.changes).toEqual({ add: 0, change: 1, destroy: 0, replace: 0 });
    expect(summary.resources[0]).toMatchObject({ address: "module.environment.terraform_data.instance[0]", action: "update" });
    expect(summary.resources[0].attributes).toContainEqual({ path: "input.greeting", before: '"hello from envbot"', after: '"hello again"' });
    expect(summary.outputs).toContainEqual({ name: "greeting", action: "update", sensitive: false });
    await sandbox.writeDefinition("sandbox", original);
  });

  test("destroy --yes removes it; status says destroyed and the state holds no resources", async () => {
    const result = await envbot(["destroy", "sandbox", "--yes", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: "destroyed", plan: { mode: "destroy", changes: { destroy: 1 } } });
    expect(await statusOf("sandbox")).toBe("destroyed");
    const state = JSON.parse(await readFile(locations(sandbox.dataDir, sandbox.repository, "sandbox").statePath, "utf8"));
    expect(state.resources).toEqual([]);
  });

  test("every step is in the run history, and nothing was written into the repository", async () => {
    const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
    const runs = await store.listRuns(sandbox.repository, "sandbox");
    await store.close();
    // plan; plan (apply answered "no"); plan + apply; two plans; the changed plan; plan + destroy.
    expect(runs.map((r) => r.kind).reverse()).toEqual(["plan", "plan", "plan", "apply", "plan", "plan", "plan", "plan", "destroy"]);
    expect(runs.every((r) => r.outcome === "succeeded" && r.finishedAt !== undefined)).toBe(true);
    expect(runs.every((r) => r.actor === "cli:tester")).toBe(true);
    expect((await readdir(sandbox.repoDir)).sort()).toEqual([".github", "README.md", "environments", "templates"]);
  });
});

describe("Terraform's CLI configuration", () => {
  let own: EngineSandbox;
  beforeAll(async () => {
    own = await createEngineSandbox();
  });
  afterAll(async () => {
    await own.cleanup();
  });

  test("a TF_CLI_CONFIG_FILE that does not exist is said once, in envbot's words, not on every Terraform command", async () => {
    const missing = path.join(own.dataDir, "no-such.tfrc");
    const result = await runEnvbot(["apply", "sandbox", "--yes"], { cwd: own.repoDir, env: { ...own.env, TF_CLI_CONFIG_FILE: missing }, now: new Date() });
    expect(result.code).toBe(0);
    expect(result.stderr.split(`TF_CLI_CONFIG_FILE names ${missing}, which does not exist`)).toHaveLength(2);
    expect(result.stderr).not.toContain("Unable to open CLI configuration file");
  });
});
