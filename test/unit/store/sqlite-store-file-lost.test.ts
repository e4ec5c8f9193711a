import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { StoreUnavailableError, type Store } from "../../../src/core/ports/index.js";

// Issue 9: with envbot.db deleted under a running App, SQLite kept writing to the unlinked file
// and a restart found an empty database. The store must notice and refuse to write.

let dir: string;
let file: string;
let store: Store;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-store-lost-"));
  file = path.join(dir, "envbot.db");
  store = openSqliteStore({ file });
  await store.upsertEnvironment({ repository: "acme/envs", name: "web", template: "sandbox", owner: "@acme", status: "active" });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const WHY = /deleted or replaced under the running process.*restored from backup/s;

test("a deleted database file makes the store unhealthy, and every write is refused with the reason", async () => {
  await rm(file);

  expect(await store.health()).toEqual({ ok: false, reason: expect.stringMatching(WHY) });
  await expect(store.recordDelivery("d-1")).rejects.toThrow(StoreUnavailableError);
  await expect(store.upsertEnvironment({ repository: "acme/envs", name: "api", template: "sandbox", owner: "@acme", status: "planned" })).rejects.toThrow(WHY);
  await expect(store.acquireLock("acme/envs", "web", { kind: "pull-request", number: 1 })).rejects.toThrow(StoreUnavailableError);
  await expect(store.startRun({ repository: "acme/envs", environment: "web", kind: "plan", actor: "pr#1" })).rejects.toThrow(StoreUnavailableError);
  await expect(store.pruneDeliveries(new Date())).rejects.toThrow(file);
});

test("a database file replaced by another (a restore over a running App) is noticed too", async () => {
  await writeFile(path.join(dir, "restored.db"), "");
  await rename(path.join(dir, "restored.db"), file);

  expect(await store.health()).toMatchObject({ ok: false });
  await expect(store.releaseLock("acme/envs", "web", { kind: "pull-request", number: 1 })).rejects.toThrow(StoreUnavailableError);
});

test("an in-memory store has no file to lose and is always healthy", async () => {
  const memory = openSqliteStore({ file: ":memory:" });
  expect(await memory.health()).toEqual({ ok: true });
  expect(await memory.recordDelivery("d-1")).toBe(true);
  await memory.close();
});
