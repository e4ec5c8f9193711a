import { jest } from "@jest/globals";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { openPostgresStore, type PostgresStore } from "../../src/adapters/store/postgres/postgres-store.js";
import { LOCAL_STATE_REFUSED } from "../../src/adapters/terraform/cli-terraform-runner.js";
import { environmentKey } from "../../src/core/engine/index.js";
import { createEngineSandbox, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { queryPostgres, startPostgres, type PostgresServer } from "../helpers/postgres-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// An operator's envbot command beside a scale-out fleet (ENVBOT_DATABASE_URL set): it reads and
// writes the fleet's PostgreSQL, so a lease a worker holds there keeps the operator's Terraform
// waiting, and status shows the fleet's records, never the database's password. One throwaway
// PostgreSQL server (records in `envbot`, Terraform state in `tfstate`); one terraform_data apply.
jest.setTimeout(180_000);

const PASSWORD = "s3cret-fleet-pw";
const GITHUB = "acme/shop";
let postgres: PostgresServer;
/** The fleet's database URL with a password in it (trust authentication ignores it). */
let databaseUrl: string;
/** A worker's view of the same database, through the PostgreSQL store adapter. */
let worker: PostgresStore;
let sandbox: EngineSandbox;

beforeAll(async () => {
  postgres = await startPostgres();
  await queryPostgres(postgres.connectionString, "CREATE DATABASE tfstate");
  databaseUrl = postgres.connectionString.replace("postgresql://postgres@", `postgresql://postgres:${PASSWORD}@`);
  worker = await openPostgresStore({ connectionString: databaseUrl });
  sandbox = await createEngineSandbox({
    env: { ENVBOT_DATABASE_URL: databaseUrl, PG_CONN_STR: postgres.connectionString.replace(/\/envbot\?/, "/tfstate?"), USER: "operator" },
  });
  // As in scale-out: state in Terraform's pg backend, never on one machine's disk.
  await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), "version: 1\nstate:\n  backend: pg\n");
});

afterAll(async () => {
  await worker?.close();
  await sandbox?.cleanup();
  await postgres?.stop();
});

const envbot = (argv: string[], onStderr?: (text: string) => void) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date(), onStderr });

test("status beside the fleet lists the environments its PostgreSQL holds and names that store, without the password", async () => {
  await worker.upsertEnvironment({ repository: GITHUB, name: "orders", template: "sandbox", owner: "@acme/shop", status: "active" });

  const result = await envbot(["status", "--github", GITHUB]);

  expect(result.code).toBe(0);
  expect(result.stdout.split("\n")[0]).toBe(`Environments of ${GITHUB} (records: PostgreSQL 127.0.0.1:${postgres.port}/envbot):`);
  expect(result.stdout).toMatch(/orders\s+active/);
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  // Nothing went to a SQLite file of its own.
  expect(existsSync(path.join(sandbox.dataDir, "envbot.db"))).toBe(false);
});

test("apply --github waits while a worker holds the environment's lease in PostgreSQL, then applies and records it there", async () => {
  const held = await worker.acquireLease(environmentKey(GITHUB, "sandbox"), "octocat apply", 10 * 60_000);
  if (!held.acquired) throw new Error("the worker could not take the lease");
  let released = false;
  // The worker finishes once the operator's command says it waits for it.
  const result = await envbot(["apply", "sandbox", "--github", GITHUB, "--yes"], (text) => {
    if (!released && text.includes("waiting: sandbox is busy with octocat apply since")) {
      released = true;
      void worker.releaseLease(held.lease);
    }
  });

  expect(result.stderr).toContain("waiting: sandbox is busy with octocat apply since");
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("Applied sandbox.");
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  // The fleet sees what the operator did: the record, the runs and the audit are in PostgreSQL.
  expect(await worker.getEnvironment(GITHUB, "sandbox")).toMatchObject({ status: "active" });
  const runs = await worker.listRuns(GITHUB, "sandbox");
  expect(runs.map((r) => [r.kind, r.actor, r.outcome])).toEqual([
    ["apply", "cli:operator", "succeeded"],
    ["plan", "cli:operator", "succeeded"],
  ]);
  expect(await worker.listAudit({ repositories: [GITHUB], environment: "sandbox", limit: 10 })).toMatchObject([
    { actor: "cli:operator", action: "apply", outcome: "succeeded" },
    { actor: "cli:operator", action: "plan", outcome: "succeeded" },
  ]);
  expect(existsSync(path.join(sandbox.dataDir, "envbot.db"))).toBe(false);
});

test("beside the fleet, a plan of a repository keeping local state is refused, as on the workers", async () => {
  const local = await createEngineSandbox({ env: { ENVBOT_DATABASE_URL: databaseUrl } });
  try {
    const result = await runEnvbot(["plan", "sandbox"], { cwd: local.repoDir, env: local.env, now: new Date() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(LOCAL_STATE_REFUSED);
    expect(await worker.listRuns(local.repository, "sandbox")).toMatchObject([{ kind: "plan", outcome: "failed" }]);
  } finally {
    await local.cleanup();
  }
});
