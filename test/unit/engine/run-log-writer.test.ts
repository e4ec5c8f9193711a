import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { runLogWriter } from "../../../src/core/engine/run-log-writer.js";
import type { Store } from "../../../src/core/ports/index.js";
import { eventually } from "../../helpers/eventually.js";

describe("a run's kept log", () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore({ file: ":memory:" });
  });
  afterEach(() => store.close());

  test("lines are written in batches while the run goes on, all of them by close, in order", async () => {
    const run = await store.startRun({ repository: "acme/envs", environment: "checkout", kind: "plan", actor: "octocat" });
    const log = runLogWriter(store, run.id, { flushMs: 20 });
    log.push("Initializing the backend...");
    log.push("Terraform has been successfully initialized!");
    expect(await store.readRunLog(run.id, 0, 10)).toEqual([]);
    // Not closed: the batch's own timer writes them.
    await eventually("the first batch in the store", async () => (await store.readRunLog(run.id, 0, 10)).length > 0);
    expect((await store.readRunLog(run.id, 0, 10)).map((l) => l.line)).toEqual(["Initializing the backend...", "Terraform has been successfully initialized!"]);
    log.push("Plan: 1 to add, 0 to change, 0 to destroy.");
    await log.close();
    expect((await store.readRunLog(run.id, 0, 10)).map((l) => [l.seq, l.line])).toEqual([
      [1, "Initializing the backend..."],
      [2, "Terraform has been successfully initialized!"],
      [3, "Plan: 1 to add, 0 to change, 0 to destroy."],
    ]);
  });

  test("a run's log stops at the cap, with a last line that says so", async () => {
    const run = await store.startRun({ repository: "acme/envs", environment: "checkout", kind: "plan", actor: "octocat" });
    const log = runLogWriter(store, run.id, { maxLines: 3 });
    for (let i = 1; i <= 10; i++) log.push(`line ${i}`);
    await log.close();
    const lines = (await store.readRunLog(run.id, 0, 100)).map((l) => l.line);
    expect(lines).toEqual(["line 1", "line 2", expect.stringContaining("keeps the first 3 lines")]);
  });

  test("a store that cannot keep the lines loses only the live log: close still resolves", async () => {
    const failing = { appendRunLog: () => Promise.reject(new Error("disk full")) };
    const log = runLogWriter(failing, 1);
    log.push("x");
    await expect(log.close()).resolves.toBeUndefined();
  });
});
