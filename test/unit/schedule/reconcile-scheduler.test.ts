import { jest } from "@jest/globals";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { reconcileScheduler, type ScheduledRepository } from "../../../src/adapters/schedule/reconcile-scheduler.js";
import type { Store } from "../../../src/core/ports/index.js";

const shop: ScheduledRepository = { repository: "acme/shop", installationId: 1, defaultBranch: "main" };
const blog: ScheduledRepository = { repository: "acme/blog", installationId: 1, defaultBranch: "main" };

let store: Store;
beforeEach(() => {
  store = openSqliteStore({ file: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

function scheduler(options: { repositories?: ScheduledRepository[]; schedules?: Record<string, { expiry: string; drift: string; orphans?: string }>; sweep?: () => Promise<void>; errors?: string[] } = {}) {
  return reconcileScheduler({
    store,
    listRepositories: async () => options.repositories ?? [shop],
    schedulesOf: async (r) => options.schedules?.[r.repository] ?? { expiry: "*/5 * * * *", drift: "0 * * * *" },
    sweep: options.sweep ?? (async () => undefined),
    log: { info: () => undefined, error: (message) => void options.errors?.push(message) },
  });
}

test("every installed repository is swept on the schedules of its own configuration", async () => {
  const schedules = { "acme/shop": { expiry: "*/5 * * * *", drift: "0 * * * *" }, "acme/blog": { expiry: "*/10 * * * *", drift: "30 2 * * *" } };
  const s = scheduler({ repositories: [shop, blog], schedules });
  await s.start();
  expect(Object.fromEntries(s.scheduled())).toEqual({
    "acme/shop:expiry": "*/5 * * * *",
    "acme/shop:drift": "0 * * * *",
    "acme/blog:expiry": "*/10 * * * *",
    "acme/blog:drift": "30 2 * * *",
  });
  await s.stop();
});

test("the orphan sweep is scheduled only for a repository that asks for it, and stops when it no longer does", async () => {
  const schedules: Record<string, { expiry: string; drift: string; orphans?: string }> = { "acme/shop": { expiry: "*/5 * * * *", drift: "0 * * * *", orphans: "0 6 * * *" }, "acme/blog": { expiry: "*/5 * * * *", drift: "0 * * * *" } };
  const s = scheduler({ repositories: [shop, blog], schedules });
  await s.start();
  expect(s.scheduled().get("acme/shop:orphans")).toBe("0 6 * * *");
  expect(s.scheduled().has("acme/blog:orphans")).toBe(false);
  delete schedules["acme/shop"]!.orphans;
  await s.refresh();
  expect([...s.scheduled().keys()].filter((key) => key.endsWith(":orphans"))).toEqual([]);
  await s.stop();
});

test("an invalid cron expression is reported and that sweep is not scheduled", async () => {
  const errors: string[] = [];
  const s = scheduler({ schedules: { "acme/shop": { expiry: "every five minutes", drift: "0 * * * *" } }, errors });
  await s.refresh();
  expect([...s.scheduled().keys()]).toEqual(["acme/shop:drift"]);
  expect(errors).toEqual(["acme/shop: schedules.expiry 'every five minutes' is not a valid cron expression"]);
  await s.stop();
});

/** A sweep that holds until released, and says when it has begun (so holds its lock). */
function heldSweep() {
  let release!: () => void;
  let begun!: () => void;
  const started = new Promise<void>((resolve) => (begun = resolve));
  const sweep = () => {
    begun();
    return new Promise<void>((resolve) => (release = resolve));
  };
  return { sweep, started, release: () => release() };
}

test("a sweep never overlaps itself in one process", async () => {
  const { sweep, started, release } = heldSweep();
  const s = scheduler({ sweep });
  const first = s.runNow(shop, "drift");
  await started;
  expect(await s.runNow(shop, "drift")).toBe("skipped");
  release();
  expect(await first).toBe("done");
  await s.stop();
});

test("nor across replicas sharing the store, until a dead replica's lock goes stale", async () => {
  const { sweep, started, release } = heldSweep();
  const replicaA = scheduler({ sweep });
  const replicaB = scheduler();
  const running = replicaA.runNow(shop, "expiry");
  await started;
  expect(await replicaB.runNow(shop, "expiry")).toBe("skipped");
  release();
  await running;
  expect(await replicaB.runNow(shop, "expiry")).toBe("done");

  // A replica that died mid-sweep left its lease behind: once it expires, it is taken over.
  // The clock is the test's (only Date is faked), so the lease's age does not depend on load.
  jest.useFakeTimers({ now: Date.now(), doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"] });
  try {
    await store.acquireLease("acme/shop:sweep:expiry", "scheduler:dead", 50);
    expect(await replicaB.runNow(shop, "expiry")).toBe("skipped");
    jest.setSystemTime(Date.now() + 60);
    expect(await replicaB.runNow(shop, "expiry")).toBe("done");
    expect(await sweepLeaseIsFree("expiry")).toBe(true);
  } finally {
    jest.useRealTimers();
  }
});

test("a schedule firing in every replica sweeps once, even when the first replica is done before the others look", async () => {
  let sweeps = 0;
  const replicas = [scheduler({ sweep: async () => void sweeps++ }), scheduler({ sweep: async () => void sweeps++ }), scheduler({ sweep: async () => void sweeps++ })];
  const firedAt = new Date();
  for (const replica of replicas) expect(await replica.runNow(shop, "drift", firedAt)).toBe(replicas.indexOf(replica) === 0 ? "done" : "skipped");
  expect(sweeps).toBe(1);
  // Asked directly (the CLI, a test), a sweep runs whatever fired before.
  expect(await replicas[1]!.runNow(shop, "drift")).toBe("done");
  expect(sweeps).toBe(2);
});

/** Whether nobody holds the sweep's lease (taking it to see, then giving it back). */
async function sweepLeaseIsFree(kind: string): Promise<boolean> {
  const probe = await store.acquireLease(`acme/shop:sweep:${kind}`, "probe", 60_000);
  if (probe.acquired) await store.releaseLease(probe.lease);
  return probe.acquired;
}

test("a failing sweep is logged and releases its lock", async () => {
  const errors: string[] = [];
  const s = scheduler({ sweep: async () => { throw new Error("GitHub is down"); }, errors });
  expect(await s.runNow(shop, "drift")).toBe("done");
  expect(errors).toEqual(["drift sweep of acme/shop failed"]);
  expect(await sweepLeaseIsFree("drift")).toBe(true);
});
