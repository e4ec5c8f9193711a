import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { EnvironmentBusyError, environmentKey, withEnvironmentLease } from "../../../src/core/engine/index.js";

describe("the environment lease", () => {
  const input = { repository: "acme/environments", environment: "checkout", holder: "octocat plan", maxWaitMs: 0 };

  test("work runs holding the lease, which is free again afterwards", async () => {
    const store = openSqliteStore({ file: ":memory:" });
    const during = await withEnvironmentLease(store, input, () => store.acquireLease(environmentKey("acme/environments", "checkout"), "other", 60_000));
    expect(during).toMatchObject({ acquired: false, heldBy: { holder: "octocat plan" } });
    expect((await store.acquireLease(environmentKey("acme/environments", "checkout"), "other", 60_000)).acquired).toBe(true);
    await store.close();
  });

  test("a caller that will not wait is told who holds the environment, once, and nothing runs", async () => {
    const store = openSqliteStore({ file: ":memory:" });
    await store.acquireLease(environmentKey("acme/environments", "checkout"), "cli:alice apply", 60_000);
    const waiting: string[] = [];
    let ran = false;
    const attempt = withEnvironmentLease(store, { ...input, onWaiting: (heldBy) => waiting.push(heldBy.holder) }, async () => void (ran = true));
    await expect(attempt).rejects.toThrow(EnvironmentBusyError);
    await expect(attempt).rejects.toThrow("another operation on this environment is running (cli:alice apply, since");
    expect(waiting).toEqual(["cli:alice apply"]);
    expect(ran).toBe(false);
    await store.close();
  });

  test("the lease is released when the work fails", async () => {
    const store = openSqliteStore({ file: ":memory:" });
    await expect(withEnvironmentLease(store, input, async () => { throw new Error("terraform broke"); })).rejects.toThrow("terraform broke");
    expect((await store.acquireLease(environmentKey("acme/environments", "checkout"), "next", 60_000)).acquired).toBe(true);
    await store.close();
  });
});
