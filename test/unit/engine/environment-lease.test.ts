import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { EnvironmentBusyError, environmentKey, recoverInterruptedRuns, withEnvironmentLease } from "../../../src/core/engine/index.js";

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

describe("recovering interrupted runs", () => {
  test("a running run whose lease someone holds is left alone; once nobody holds it, it ends interrupted and a first apply counts as applied", async () => {
    const store = openSqliteStore({ file: ":memory:" });
    await store.upsertEnvironment({ repository: "acme/environments", name: "checkout", template: "sandbox", owner: "@a", status: "applying" });
    const run = await store.startRun({ repository: "acme/environments", environment: "checkout", kind: "apply", actor: "alice" });
    const live = await store.acquireLease(environmentKey("acme/environments", "checkout"), "alice apply", 60_000);
    // The stopped Terraform left a state lock; the recovery releases it (and says so) only once it holds the lease.
    const released: string[] = [];
    const terraform = { releaseAbandonedStateLock: async (repository: string, environment: string) => (released.push(`${repository}:${environment}`), { kind: "released" as const, lockId: "0b5e-lock" }) };
    expect(await recoverInterruptedRuns({ store, terraform })).toEqual([]);
    expect(released).toEqual([]);
    expect(await store.getRun(run.id)).toMatchObject({ outcome: "running" });

    if (live.acquired) await store.releaseLease(live.lease); // as if its lease had expired
    const [recovered] = await recoverInterruptedRuns({ store, terraform });
    expect(recovered).toMatchObject({ id: run.id, outcome: "interrupted", error: expect.stringMatching(/^interrupted: the envbot process running this apply stopped/) });
    expect(recovered!.error).toContain("envbot released the state lock it left (ID 0b5e-lock)");
    expect(released).toEqual(["acme/environments:checkout"]);
    expect(await store.getEnvironment("acme/environments", "checkout")).toMatchObject({ status: "failed", firstAppliedAt: expect.any(Date), lastRunId: run.id });
    await store.close();
  });
});
