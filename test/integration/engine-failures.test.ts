import { readdir } from "node:fs/promises";
import path from "node:path";
import { locations } from "../../src/adapters/terraform/cli-terraform-runner.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import type { RunRecord } from "../../src/core/ports/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { freePort } from "../helpers/free-port.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Failure paths with the real terraform binary: each ends as a failed run with a readable reason.

const SECRET = "s3cr3t-planted-value-7f3a";
let sandbox: EngineSandbox;
const envbot = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  runEnvbot(argv, { cwd: sandbox.repoDir, env: { ...sandbox.env, ...env }, now: new Date() });

async function runsOf(name: string): Promise<RunRecord[]> {
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    return await store.listRuns(sandbox.repository, name);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  sandbox = await createEngineSandbox({ templates: ["broken-hcl", "slow-apply", "leaky-secret", "wrapped-secret", "fails-half-way"], env: { ENVBOT_SECRETS_ALLOW: "LEAKY_*, PASSPHRASE" } });
  await sandbox.writeDefinition("broken", definitionYaml("broken", "broken-hcl"));
  await sandbox.writeDefinition("slow", definitionYaml("slow", "slow-apply"));
  await sandbox.writeDefinition("leaky", definitionYaml("leaky", "leaky-secret", "  secrets:\n    api_token: { fromEnv: LEAKY_TOKEN }\n"));
});
afterAll(async () => {
  await sandbox.cleanup();
});

test("a template with an HCL error fails the plan with the file and line, and records nothing as planned", async () => {
  const result = await envbot(["plan", "broken"]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("plan of broken failed: the template's Terraform code has an error");
  expect(result.stderr).toMatch(/template\/main\.tf line \d+/);
  const [run] = await runsOf("broken");
  expect(run).toMatchObject({ kind: "plan", outcome: "failed" });
  expect(run!.error).toMatch(/^the template's Terraform code has an error: /);
  expect(JSON.parse((await envbot(["status", "--json"])).stdout).map((e: { name: string }) => e.name)).not.toContain("broken");
});

test("an apply past its timeout is interrupted, fails readably and leaves the state unlocked", async () => {
  const started = Date.now();
  const result = await envbot(["apply", "slow", "--yes"], { ENVBOT_TERRAFORM_TIMEOUT: "3s", ENVBOT_TERRAFORM_KILL_GRACE: "5s" });
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("apply of slow failed: terraform apply took longer than 3s and was stopped");
  const [apply] = await runsOf("slow");
  expect(apply).toMatchObject({ kind: "apply", outcome: "failed", error: expect.stringContaining("took longer than 3s") });
  expect(JSON.parse((await envbot(["status", "--json"])).stdout).find((e: { name: string }) => e.name === "slow")).toMatchObject({ status: "failed" });
  // The interrupt let Terraform release its lock: the next operation runs.
  const next = await envbot(["plan", "slow", "--json"], { ENVBOT_STATE_LOCK_TIMEOUT: "1s" });
  expect(next.code).toBe(0);
});

test("a secret missing on the server fails the plan with the variable's name", async () => {
  const result = await envbot(["plan", "leaky"]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("plan of leaky failed: secret api_token: the envbot server has no environment variable LEAKY_TOKEN");
});

test("a fromEnv the server will refuse is reported at its line by validate and plan, before Terraform runs", async () => {
  await sandbox.writeDefinition("leaky", definitionYaml("leaky", "leaky-secret", "  secrets:\n    api_token: { fromEnv: PG_CONN_STR }\n"));
  const env = { PG_CONN_STR: "postgres://envbot:server-password@db/state" };
  const runsBefore = (await runsOf("leaky")).length;
  const validated = await envbot(["validate"], env);
  const planned = await envbot(["plan", "leaky"], env);
  const where = "environments/leaky.yaml:9:27: spec.secrets.api_token.fromEnv: the envbot server will not read this variable: it is one of the envbot server's own settings or credentials";
  expect(validated).toMatchObject({ code: 1, stdout: expect.stringContaining(where) });
  expect(planned).toMatchObject({ code: 1, stderr: expect.stringContaining(where) });
  expect(await runsOf("leaky")).toHaveLength(runsBefore);
  await sandbox.writeDefinition("leaky", definitionYaml("leaky", "leaky-secret", "  secrets:\n    api_token: { fromEnv: OTHER_TOKEN }\n"));
  const notAllowed = await envbot(["validate", "environments/leaky.yaml"], { ENVBOT_SECRETS_ALLOW: "" });
  expect(notAllowed.stdout).toContain("ENVBOT_SECRETS_ALLOW is empty");
  await sandbox.writeDefinition("leaky", definitionYaml("leaky", "leaky-secret", "  secrets:\n    api_token: { fromEnv: LEAKY_TOKEN }\n"));
});

test("a template that prints its secret everywhere: the value reaches no output, record or file envbot writes", async () => {
  const planned = await envbot(["plan", "leaky"], { LEAKY_TOKEN: SECRET });
  const applied = await envbot(["apply", "leaky", "--yes", "--json"], { LEAKY_TOKEN: SECRET });
  expect(applied).toMatchObject({ code: 0, stdout: expect.stringContaining('"outcome": "applied"') });
  const everything = [planned.stdout, planned.stderr, applied.stdout, applied.stderr, JSON.stringify(await runsOf("leaky"))].join("\n");
  expect(everything).toContain("[redacted]");
  expect(everything).not.toContain(SECRET);
  expect(JSON.parse(applied.stdout).outputs).toEqual({ leaked: "[redacted]" });
  // Nor in the working directory envbot generated (the state necessarily holds it, as Terraform's does).
  const { workDir } = locations(sandbox.dataDir, sandbox.repository, "leaky");
  const { readFile } = await import("node:fs/promises");
  const generated = (await readdir(workDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  expect(generated).toEqual(expect.arrayContaining(["cdk.tf.json", "envbot-tags.auto.tfvars.json"]));
  for (const file of [...generated, ...(await readdir(path.join(workDir, "template"))).map((f) => `template/${f}`)]) {
    expect(await readFile(path.join(workDir, file), "utf8")).not.toContain(SECRET);
  }
});

test("a secret with spaces that Terraform wraps across lines in an apply error reaches no output or record", async () => {
  const passphrase = "one two three four five six seven eight staple number nine ten eleven";
  await sandbox.writeDefinition("wrapped", definitionYaml("wrapped", "wrapped-secret", "  secrets:\n    api_token: { fromEnv: PASSPHRASE }\n"));
  const applied = await envbot(["apply", "wrapped", "--yes", "--json"], { PASSPHRASE: passphrase });
  expect(applied.code).toBe(1);
  const result = JSON.parse(applied.stdout);
  expect(result).toMatchObject({ outcome: "failed", step: "apply" });
  expect(result.details).toContain("The service refused the credential [redacted] because");
  const everything = [applied.stdout, applied.stderr, JSON.stringify(await runsOf("wrapped"))].join("\n");
  expect(everything).not.toMatch(/staple|eleven/);
});

test("a provider that cannot reach its API fails the apply readably and marks the environment failed", async () => {
  const closedPort = await freePort();
  await sandbox.writeDefinition("site", definitionYaml("site", "static-site"));
  const result = await envbot(["apply", "site", "--yes"], {
    ENVBOT_AWS_ENDPOINT: `http://127.0.0.1:${closedPort}`,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("apply of site failed: a provider's API or the state backend could not be reached");
  expect(result.stderr).toContain("connection refused");
  const [apply] = await runsOf("site");
  expect(apply).toMatchObject({ kind: "apply", outcome: "failed", error: expect.stringContaining("a provider's API or the state backend could not be reached") });
  expect(JSON.parse((await envbot(["status", "--json"])).stdout).find((e: { name: string }) => e.name === "site")).toMatchObject({ status: "failed" });
});

test("an apply that fails half-way keeps what it made on record: the inventory lists it (no false orphan), a destroy clears it", async () => {
  await sandbox.writeDefinition("half", definitionYaml("half", "fails-half-way"));
  const applied = await envbot(["apply", "half", "--yes"]);
  expect(applied.code).toBe(1);
  expect(applied.stderr).toContain("cannot finish");
  const addresses = async () => (JSON.parse((await envbot(["inventory", "half", "--json"])).stdout) as { items: { address: string }[] }).items.map((r) => r.address);
  // Terraform keeps the resource it made, and the one whose provisioner failed (tainted).
  expect(await addresses()).toEqual(["module.environment.terraform_data.fails", "module.environment.terraform_data.made_first"]);
  const destroyed = await envbot(["destroy", "half", "--yes"]);
  expect(destroyed.code).toBe(0);
  expect(await addresses()).toEqual([]);
});
