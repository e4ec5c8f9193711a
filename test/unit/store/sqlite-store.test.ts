import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations, migrations, openSqliteStore, SchemaTooNewError } from "../../../src/adapters/store/sqlite/index.js";
import { openKeptDatabase } from "../../../src/adapters/store/sqlite/kept-database.js";
import { describeStoreContract } from "../../contract/store-contract.js";

let dir: string;
let files = 0;
/** A path for a database file that does not exist yet. */
const newFile = (...folders: string[]) => path.join(dir, ...folders, `store-${++files}.db`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-sqlite-store-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeStoreContract("SQLite", async () => openSqliteStore({ file: newFile() }));

describe("SQLite store files", () => {
  const latest = migrations.at(-1)!.version;

  test("migration 5 (runs may end interrupted) keeps every run and each environment's last run", async () => {
    const file = newFile();
    const old = openKeptDatabase(file);
    applyMigrations(old, migrations.slice(0, 4), file);
    old.exec(`
      INSERT INTO runs (repository, environment, kind, actor, started_at, finished_at, outcome) VALUES ('acme/e', 'web', 'apply', 'alice', '2026-11-01T00:00:00.000Z', '2026-11-01T00:01:00.000Z', 'succeeded');
      INSERT INTO runs (repository, environment, kind, actor, started_at, outcome) VALUES ('acme/e', 'web', 'apply', 'alice', '2026-11-02T00:00:00.000Z', 'running');
      INSERT INTO environments (repository, name, template, owner, status, created_at, updated_at, last_run_id) VALUES ('acme/e', 'web', 'sandbox', '@a', 'applying', '2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z', 2);
    `);
    old.close();

    const store = openSqliteStore({ file });
    try {
      expect(await store.getEnvironment("acme/e", "web")).toMatchObject({ lastRunId: 2, status: "applying" });
      expect((await store.listRuns("acme/e", "web")).map((r) => [r.id, r.outcome])).toEqual([[2, "running"], [1, "succeeded"]]);
      expect((await store.listUnfinishedRuns()).map((r) => r.id)).toEqual([2]);
      expect(await store.finishRun(2, { outcome: "interrupted", error: "interrupted: gone" })).toMatchObject({ outcome: "interrupted" });
      expect(await store.listUnfinishedRuns()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  function appliedMigrations(file: string): { version: number; description: string; applied_at: string }[] {
    const db = openKeptDatabase(file, { readonly: true });
    try {
      return db.prepare("SELECT version, description, applied_at FROM schema_migrations ORDER BY version").all() as never;
    } finally {
      db.close();
    }
  }

  test("migrations are numbered 1, 2, 3, ... in the order they run", () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  test("records survive closing and reopening the file, which is created with its missing folders", async () => {
    const file = newFile("state", "nested");
    const first = openSqliteStore({ file });
    const environment = await first.upsertEnvironment({ repository: "local", name: "checkout", template: "sandbox", owner: "@alice", status: "active" });
    const run = await first.startRun({ repository: "local", environment: "checkout", kind: "apply", actor: "cli:alice" });
    await first.finishRun(run.id, { outcome: "succeeded", summary: "{}" });
    await first.acquireLock("local", "checkout", { kind: "cli", user: "alice" });
    await first.close();

    const second = openSqliteStore({ file });
    try {
      expect(await second.getEnvironment("local", "checkout")).toStrictEqual({ ...environment, lastRunId: run.id });
      expect(await second.getRun(run.id)).toMatchObject({ outcome: "succeeded", summary: "{}" });
      expect((await second.listLocks()).map((l) => l.holder)).toEqual([{ kind: "cli", user: "alice" }]);
    } finally {
      await second.close();
    }
  });

  test("the file is in WAL mode, so readers in other processes do not block the writer", async () => {
    const file = newFile();
    await openSqliteStore({ file }).close();
    const db = openKeptDatabase(file, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });

  test("an in-memory database needs no file", async () => {
    const store = openSqliteStore({ file: ":memory:" });
    try {
      expect((await store.acquireLock("local", "checkout", { kind: "cli", user: "alice" })).acquired).toBe(true);
    } finally {
      await store.close();
    }
  });

  test("migrations are recorded once, and reopening does not run them again", async () => {
    const file = newFile();
    await openSqliteStore({ file }).close();
    const recorded = appliedMigrations(file);
    expect(recorded.map((m) => [m.version, m.description])).toEqual(migrations.map((m) => [m.version, m.description]));

    await new Promise((resolve) => setTimeout(resolve, 5));
    await openSqliteStore({ file }).close();
    expect(appliedMigrations(file)).toEqual(recorded);
  });

  test("a database written by a newer envbot is refused, naming both schema versions", async () => {
    const file = newFile();
    await openSqliteStore({ file }).close();
    const db = openKeptDatabase(file);
    db.prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, 'from the future', ?)").run(latest + 1, new Date().toISOString());
    db.close();

    expect(() => openSqliteStore({ file })).toThrow(
      new SchemaTooNewError(file, latest + 1, latest).message,
    );
    expect(() => openSqliteStore({ file })).toThrow(
      `the database ${file} was written by a newer envbot (schema version ${latest + 1}); this envbot knows up to ${latest}`,
    );
    // Refusing must not touch the database.
    expect(appliedMigrations(file).map((m) => m.version)).toEqual([...migrations.map((m) => m.version), latest + 1]);
  });

  test("two stores on the same file share locks: only one of them acquires", async () => {
    const file = newFile();
    const app = openSqliteStore({ file });
    const cli = openSqliteStore({ file });
    try {
      const results = await Promise.all([app.acquireLock("local", "checkout", { kind: "pull-request", number: 12 }), cli.acquireLock("local", "checkout", { kind: "cli", user: "alice" })]);
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
      expect(await cli.acquireLock("local", "checkout", { kind: "cli", user: "alice" })).toMatchObject({ acquired: false, heldBy: { holder: { kind: "pull-request", number: 12 } } });

      expect(await app.releaseLock("local", "checkout", { kind: "pull-request", number: 12 })).toBe(true);
      expect(await cli.acquireLock("local", "checkout", { kind: "cli", user: "alice" })).toMatchObject({ acquired: true });
    } finally {
      await app.close();
      await cli.close();
    }
  });
});
