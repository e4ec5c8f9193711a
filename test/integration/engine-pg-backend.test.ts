import { jest } from "@jest/globals";
import { pgSchemaName } from "../../src/adapters/terraform/synthesize-root-module.js";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { queryPostgres, startPostgres, type PostgresServer } from "../helpers/postgres-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// The starter sandbox environment (terraform_data, no provider) with its state in Terraform's pg
// backend on a throwaway PostgreSQL server: initdb and start-up take a few seconds, then three
// Terraform runs.
jest.setTimeout(180_000);

/** `state.pg.schemaPrefix` + repository (the checkout's path for the CLI) + environment, as the root module names it. */
let STATE_SCHEMA: string;
let postgres: PostgresServer;
let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });

/** The state Terraform keeps for the default workspace, read straight from PostgreSQL. */
async function storedState(): Promise<{ resources: { module?: string; type: string; name: string }[] }> {
  const data = await queryPostgres(postgres.connectionString, `SELECT data FROM ${STATE_SCHEMA}.states WHERE name = 'default'`);
  return JSON.parse(data);
}

beforeAll(async () => {
  postgres = await startPostgres();
  sandbox = await createEngineSandbox({ env: { PG_CONN_STR: postgres.connectionString } });
  STATE_SCHEMA = pgSchemaName("envbot", sandbox.repository, "sandbox");
  await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), "version: 1\nstate:\n  backend: pg\n  pg:\n    schemaPrefix: envbot\n");
});

afterAll(async () => {
  await sandbox?.cleanup();
  await postgres?.stop();
});

test("apply creates the sandbox, and its state lives in PostgreSQL under the environment's schema", async () => {
  const result = await envbot(["apply", "sandbox", "--yes"]);
  expect(result.stderr).not.toContain("Error");
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("Applied sandbox.\n");

  expect(await queryPostgres(postgres.connectionString, `SELECT name FROM ${STATE_SCHEMA}.states`)).toBe("default");
  expect((await storedState()).resources).toContainEqual(
    expect.objectContaining({ module: "module.environment", type: "terraform_data", name: "instance" }),
  );
});

test("a re-plan reads that state and finds nothing to change", async () => {
  const result = await envbot(["plan", "sandbox", "--json"]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ hasChanges: false, changes: { add: 0, change: 0, destroy: 0 }, resources: [], drift: [] });
});

test("destroy removes the sandbox and leaves an empty state in PostgreSQL", async () => {
  const result = await envbot(["destroy", "sandbox", "--yes"]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("Destroyed sandbox.");
  expect((await storedState()).resources).toEqual([]);
});

test("six environments planned for the first time at once, on a database the pg backend never used, all succeed", async () => {
  await queryPostgres(postgres.connectionString, "CREATE DATABASE fresh_state");
  const fresh = postgres.connectionString.replace(/\/envbot\?/, "/fresh_state?");
  const names = ["first-a", "first-b", "first-c", "first-d", "first-e", "first-f"];
  for (const name of names) await sandbox.writeDefinition(name, definitionYaml(name, "sandbox"));
  const results = await Promise.all(names.map((name) => runEnvbot(["plan", name], { cwd: sandbox.repoDir, env: { ...sandbox.env, PG_CONN_STR: fresh }, now: new Date() })));
  expect(results.map((r) => [r.code, r.stderr.match(/duplicate key|Error/) ? r.stderr : undefined])).toEqual(names.map(() => [0, undefined]));
});
