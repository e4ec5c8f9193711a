import { domainEvent } from "../../src/core/events/domain-event.js";
import type { EnvironmentRecord, Store } from "../../src/core/ports/index.js";
import { eventually } from "../helpers/eventually.js";

const REPO = "acme/environments";
const PR12 = { kind: "pull-request", number: 12 } as const;
const PR13 = { kind: "pull-request", number: 13 } as const;
const ALICE = { kind: "cli", user: "alice" } as const;

/** A record as the core would write it: every required field, no optional ones. */
function checkout(changes: Partial<Omit<EnvironmentRecord, "createdAt" | "updatedAt">> = {}): Omit<EnvironmentRecord, "createdAt" | "updatedAt"> {
  return { repository: REPO, name: "checkout", template: "sandbox", owner: "@acme/payments", status: "planned", ...changes };
}

/** Waits until the clock has moved on, so that "a later write has a later time" can be seen. */
async function clockTick(): Promise<void> {
  await clockPasses(Date.now() + 1);
}

/**
 * Waits until the clock is past `time` (the stores keep their own time: PostgreSQL's clock, not
 * one a test could drive). However slow the machine, this waits as long as it takes, no less.
 */
async function clockPasses(time: number): Promise<void> {
  await eventually(`the clock past ${new Date(time).toISOString()}`, () => Date.now() > time);
}

/**
 * What every Store must do, whatever keeps the records. Each implementation's test file calls
 * this with a function that opens a new, empty store; each test gets its own.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe("environments", () => {
      test("a new environment is recorded with the time it was created, and reads back the same", async () => {
        const expiresAt = new Date("2026-12-01T18:30:00.250Z");
        const created = await store.upsertEnvironment(checkout({ expiresAt }));

        expect(created).toStrictEqual({ ...checkout({ expiresAt }), createdAt: expect.any(Date), updatedAt: expect.any(Date) });
        expect(Number.isNaN(created.createdAt.getTime())).toBe(false);
        expect(created.updatedAt.getTime()).toBeGreaterThanOrEqual(created.createdAt.getTime());
        expect(await store.getEnvironment(REPO, "checkout")).toStrictEqual(created);
      });

      test("an environment that was never recorded reads as undefined", async () => {
        await store.upsertEnvironment(checkout());
        expect(await store.getEnvironment(REPO, "search")).toBeUndefined();
        expect(await store.getEnvironment("acme/other", "checkout")).toBeUndefined();
      });

      test("updating an environment changes its status, keeps createdAt and moves updatedAt", async () => {
        const created = await store.upsertEnvironment(checkout());
        await clockTick();
        const firstAppliedAt = new Date("2026-11-23T12:05:00.000Z");
        const updated = await store.upsertEnvironment(checkout({ status: "active", firstAppliedAt }));

        expect(updated.status).toBe("active");
        expect(updated.firstAppliedAt).toEqual(firstAppliedAt);
        expect(updated.createdAt).toEqual(created.createdAt);
        expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
        expect(await store.getEnvironment(REPO, "checkout")).toStrictEqual(updated);
      });

      test("a change sets exactly the fields given: one left out is kept, one given as undefined is cleared", async () => {
        const expiresAt = new Date("2026-12-01T00:00:00Z");
        await store.upsertEnvironment(checkout({ status: "active", expiresAt, driftFingerprint: "fp-1" }));
        const kept = await store.upsertEnvironment({ repository: REPO, name: "checkout", status: "expiring" });
        expect(kept).toMatchObject({ status: "expiring", template: "sandbox", expiresAt, driftFingerprint: "fp-1" });

        const cleared = await store.upsertEnvironment({ repository: REPO, name: "checkout", driftFingerprint: undefined });
        expect(cleared).not.toHaveProperty("driftFingerprint");
        expect(await store.getEnvironment(REPO, "checkout")).toMatchObject({ status: "expiring", expiresAt });
      });

      test("hibernation: when it went to sleep and until when it was woken are kept, and cleared when it wakes", async () => {
        const hibernatedAt = new Date("2026-12-11T18:30:00Z");
        const awakeUntil = new Date("2026-12-12T10:00:00Z");
        await store.upsertEnvironment(checkout({ status: "active", hibernatedAt }));
        expect(await store.getEnvironment(REPO, "checkout")).toMatchObject({ status: "active", hibernatedAt });
        await store.upsertEnvironment({ repository: REPO, name: "checkout", hibernatedAt: undefined, awakeUntil });
        const awake = await store.getEnvironment(REPO, "checkout");
        expect(awake).toMatchObject({ awakeUntil });
        expect(awake).not.toHaveProperty("hibernatedAt");
      });

      test("an environment is not created without its template, owner and status", async () => {
        await expect(store.upsertEnvironment({ repository: REPO, name: "ghost", driftFingerprint: "fp" })).rejects.toThrow("without template, owner, status");
        expect(await store.getEnvironment(REPO, "ghost")).toBeUndefined();
      });

      test("concurrent writers of different fields never undo each other's changes", async () => {
        await store.upsertEnvironment(checkout({ status: "active" }));
        // An apply moving the status, the drift sweep marking drift and the expiry sweep warning,
        // all at once and each from what it read before the others wrote.
        const writes = Array.from({ length: 30 }, (_, i) =>
          i % 3 === 0
            ? store.upsertEnvironment({ repository: REPO, name: "checkout", status: "applying" })
            : i % 3 === 1
              ? store.upsertEnvironment({ repository: REPO, name: "checkout", driftFingerprint: "fp-drift" })
              : store.upsertEnvironment({ repository: REPO, name: "checkout", expiryWarnedFor: new Date("2026-12-03T00:00:00Z") }),
        );
        await Promise.all(writes);
        expect(await store.getEnvironment(REPO, "checkout")).toMatchObject({
          status: "applying",
          driftFingerprint: "fp-drift",
          expiryWarnedFor: new Date("2026-12-03T00:00:00Z"),
          template: "sandbox",
          owner: "@acme/payments",
        });
      });

      test("environments are listed by repository, then name, and can be limited to one repository", async () => {
        for (const [repository, name] of [
          ["acme/zeta", "api"],
          [REPO, "search"],
          [REPO, "checkout"],
          ["acme/alpha", "web"],
        ] as const) {
          await store.upsertEnvironment(checkout({ repository, name }));
        }

        const everything = await store.listEnvironments();
        expect(everything.map((e) => `${e.repository} ${e.name}`)).toEqual([
          "acme/alpha web",
          "acme/environments checkout",
          "acme/environments search",
          "acme/zeta api",
        ]);
        expect((await store.listEnvironments(REPO)).map((e) => e.name)).toEqual(["checkout", "search"]);
        expect(await store.listEnvironments("acme/nothing-here")).toEqual([]);
        expect(await store.listRepositories()).toEqual(["acme/alpha", "acme/environments", "acme/zeta"]);
      });

      test("the list query filters, sorts and pages in the store: each filter, words, labels with and without a value, and a cursor; total counts every match", async () => {
        const soon = new Date(Date.now() + 3600_000);
        await store.upsertEnvironment(checkout({ name: "checkout", owner: "@Acme/Payments", status: "active", labels: { "cost-center": "4711", tier: "gold" }, expiresAt: soon, driftFingerprint: "f1", description: "The preview of checkout" }));
        await store.upsertEnvironment(checkout({ name: "search", owner: "@acme/search", template: "static-site", status: "failed", labels: { "cost-center": "17" } }));
        await store.upsertEnvironment(checkout({ name: "old-demo", owner: "@acme/web", status: "destroyed", expiresAt: soon }));
        await store.upsertEnvironment(checkout({ repository: "acme/zeta", name: "api", owner: "@acme/api", status: "active" }));
        await store.upsertEnvironment(checkout({ repository: "acme/hidden", name: "secret", status: "active" }));
        const names = async (filters: Partial<Parameters<Store["queryEnvironments"]>[0]> = {}) => {
          const { items, total } = await store.queryEnvironments({ repositories: [REPO, "acme/zeta"], limit: 10, ...filters });
          expect(total).toBe(items.length);
          return items.map((e) => e.name);
        };
        expect(await names()).toEqual(["checkout", "old-demo", "search", "api"]);
        expect(await names({ repositories: [] })).toEqual([]);
        expect(await names({ owner: "acme/payments" })).toEqual(["checkout"]);
        expect(await names({ template: "static-site" })).toEqual(["search"]);
        expect(await names({ statuses: ["active", "failed"] })).toEqual(["checkout", "search", "api"]);
        expect(await names({ labels: [{ key: "cost-center", value: "4711" }] })).toEqual(["checkout"]);
        expect(await names({ labels: [{ key: "cost-center" }] })).toEqual(["checkout", "search"]);
        expect(await names({ labels: [{ key: "cost-center" }, { key: "tier", value: "gold" }] })).toEqual(["checkout"]);
        expect(await names({ labels: [{ key: "cost-center", value: "47" }] })).toEqual([]);
        expect(await names({ expiringBefore: new Date(soon.getTime() + 1000) })).toEqual(["checkout"]);
        expect(await names({ drifted: true })).toEqual(["checkout"]);
        expect(await names({ drifted: false })).toEqual(["old-demo", "search", "api"]);
        expect(await names({ words: ["PREVIEW", "payments"] })).toEqual(["checkout"]);
        expect(await names({ words: ["zeta"] })).toEqual(["api"]);
        expect(await names({ words: ["%"] })).toEqual([]);

        const first = await store.queryEnvironments({ repositories: [REPO, "acme/zeta"], limit: 2 });
        expect([first.items.map((e) => e.name), first.total]).toEqual([["checkout", "old-demo"], 4]);
        const second = await store.queryEnvironments({ repositories: [REPO, "acme/zeta"], limit: 2, after: [REPO, "old-demo"] });
        expect([second.items.map((e) => e.name), second.total]).toEqual([["search", "api"], 4]);
        expect((await store.queryEnvironments({ repositories: [REPO, "acme/zeta"], limit: 2, after: ["acme/zeta", "api"] })).items).toEqual([]);
        // The page reads back whole records.
        expect(first.items[0]).toMatchObject({ labels: { "cost-center": "4711", tier: "gold" }, expiresAt: soon, owner: "@Acme/Payments" });
      });
    });

    describe("runs", () => {
      test("a run starts as running, with its commit and actor, and nothing of its end", async () => {
        const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", commit: "4f2a9c1", actor: "octocat" });

        expect(run).toStrictEqual({
          id: expect.any(Number),
          repository: REPO,
          environment: "checkout",
          kind: "plan",
          commit: "4f2a9c1",
          actor: "octocat",
          startedAt: expect.any(Date),
          outcome: "running",
        });
        expect(await store.getRun(run.id)).toStrictEqual(run);
      });

      test("priced runs: succeeded plans and applies whose summary has cost.hourly, newest first, at most N per environment, of the environments asked", async () => {
        const price = (hourly: unknown) => JSON.stringify({ changes: {}, cost: { hourly } });
        const finished = async (environment: string, kind: "plan" | "apply" | "drift", summary: string | undefined, outcome: "succeeded" | "failed" = "succeeded") => {
          const run = await store.startRun({ repository: REPO, environment, kind, actor: "alice" });
          await store.finishRun(run.id, outcome === "succeeded" ? { outcome, summary } as never : { outcome, error: "boom" });
          return run.id;
        };
        const a1 = await finished("checkout", "plan", price(0.5));
        await finished("checkout", "drift", price(0.7));
        await finished("checkout", "plan", JSON.stringify({ changes: {} }));
        await finished("checkout", "plan", price(0.9), "failed");
        const a2 = await finished("checkout", "apply", price(0.6));
        const a3 = await finished("checkout", "plan", price(0.8));
        const s1 = await finished("search", "plan", price(1));
        await finished("other", "plan", price(2));
        const ids = (runs: { id: number }[]) => runs.map((run) => run.id);
        expect(ids(await store.listPricedRuns(REPO, ["checkout", "search"], 50))).toEqual([s1, a3, a2, a1]);
        expect(ids(await store.listPricedRuns(REPO, ["checkout", "search"], 2))).toEqual([s1, a3, a2]);
        expect(await store.listPricedRuns(REPO, [], 50)).toEqual([]);
      });

      test("runs are read by their ids at once: those that exist, none for none", async () => {
        await store.upsertEnvironment(checkout());
        const first = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "alice" });
        const second = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", actor: "alice" });
        expect((await store.getRuns([second.id, first.id, 999_999])).map((run) => run.id).sort((a, b) => a - b)).toEqual([first.id, second.id]);
        expect(await store.getRuns([])).toEqual([]);
      });

      test("a run without a commit has no commit field", async () => {
        const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "drift", actor: "reconciler" });
        expect(run).not.toHaveProperty("commit");
        expect(await store.getRun(run.id)).not.toHaveProperty("commit");
      });

      test("a succeeded run keeps its summary and log excerpt, and when it finished", async () => {
        const started = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", commit: "4f2a9c1", actor: "octocat" });
        await clockTick();
        const finished = await store.finishRun(started.id, {
          outcome: "succeeded",
          summary: '{"add":3,"change":0,"destroy":0}',
          logExcerpt: "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
        });

        expect(finished).toStrictEqual({
          ...started,
          outcome: "succeeded",
          finishedAt: expect.any(Date),
          summary: '{"add":3,"change":0,"destroy":0}',
          logExcerpt: "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
        });
        expect(finished.finishedAt!.getTime()).toBeGreaterThan(started.startedAt.getTime());
        expect(await store.getRun(started.id)).toStrictEqual(finished);
      });

      test("a failed run keeps the reason it failed", async () => {
        const started = await store.startRun({ repository: REPO, environment: "checkout", kind: "destroy", actor: "reconciler" });
        const finished = await store.finishRun(started.id, { outcome: "failed", error: "Error acquiring the state lock" });

        expect(finished.outcome).toBe("failed");
        expect(finished.error).toBe("Error acquiring the state lock");
        expect(finished).not.toHaveProperty("summary");
        expect(await store.getRun(started.id)).toStrictEqual(finished);
      });

      test("finishing a run that does not exist fails, and records nothing", async () => {
        const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "octocat" });

        await expect(store.finishRun(run.id + 1000, { outcome: "succeeded" })).rejects.toThrow(String(run.id + 1000));
        expect(await store.getRun(run.id + 1000)).toBeUndefined();
        expect(await store.getRun(run.id)).toStrictEqual(run);
      });

      test("runs are listed newest first, only those of the environment asked for, and as many as asked", async () => {
        const ids: number[] = [];
        for (let i = 0; i < 4; i++) {
          ids.push((await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: `user${i}` })).id);
          await store.startRun({ repository: REPO, environment: "search", kind: "plan", actor: `user${i}` });
          await store.startRun({ repository: "acme/other", environment: "checkout", kind: "plan", actor: `user${i}` });
        }
        const newestFirst = [...ids].reverse();

        expect((await store.listRuns(REPO, "checkout")).map((r) => r.id)).toEqual(newestFirst);
        expect((await store.listRuns(REPO, "checkout", 2)).map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
        expect((await store.listRuns(REPO, "checkout", 10)).map((r) => r.id)).toEqual(newestFirst);
        expect(await store.listRuns(REPO, "nothing-here")).toEqual([]);
      });

      test("the environment's lastRunId follows the run that finished last", async () => {
        await store.upsertEnvironment(checkout());
        const first = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "octocat" });
        const second = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "hubot" });
        expect(await store.getEnvironment(REPO, "checkout")).not.toHaveProperty("lastRunId");

        await store.finishRun(second.id, { outcome: "succeeded" });
        expect((await store.getEnvironment(REPO, "checkout"))?.lastRunId).toBe(second.id);

        await store.finishRun(first.id, { outcome: "cancelled" });
        expect((await store.getEnvironment(REPO, "checkout"))?.lastRunId).toBe(first.id);
      });

      test("finishing a run of an environment that has no record does not create one", async () => {
        const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "octocat" });
        await store.finishRun(run.id, { outcome: "succeeded" });

        expect(await store.getEnvironment(REPO, "checkout")).toBeUndefined();
        expect(await store.listEnvironments()).toEqual([]);
      });
    });

    describe("locks", () => {
      test("a lock is acquired by one holder and refused to another, who is told who holds it", async () => {
        const first = await store.acquireLock(REPO, "checkout", PR12);
        const second = await store.acquireLock(REPO, "checkout", ALICE);

        expect(first).toStrictEqual({
          acquired: true,
          lock: { repository: REPO, environment: "checkout", holder: PR12, acquiredAt: expect.any(Date) },
        });
        expect(second).toStrictEqual({ acquired: false, heldBy: first.acquired && first.lock });
        expect(await store.listLocks()).toStrictEqual([first.acquired && first.lock]);
      });

      test("the holder can acquire its lock again, and keeps the time it first acquired it", async () => {
        const first = await store.acquireLock(REPO, "checkout", PR12);
        await clockTick();
        const again = await store.acquireLock(REPO, "checkout", PR12);

        expect(again).toStrictEqual(first);
        expect(again.acquired).toBe(true);
      });

      test("a release by someone who does not hold the lock returns false and leaves it held", async () => {
        await store.acquireLock(REPO, "checkout", PR12);

        expect(await store.releaseLock(REPO, "checkout", ALICE)).toBe(false);
        expect((await store.listLocks()).map((l) => l.holder)).toEqual([PR12]);
        expect(await store.acquireLock(REPO, "checkout", ALICE)).toMatchObject({ acquired: false, heldBy: { holder: PR12 } });
      });

      test("the holder's release frees the lock for the next holder", async () => {
        await store.acquireLock(REPO, "checkout", PR12);

        expect(await store.releaseLock(REPO, "checkout", PR12)).toBe(true);
        expect(await store.listLocks()).toEqual([]);
        expect(await store.releaseLock(REPO, "checkout", PR12)).toBe(false);
        expect(await store.acquireLock(REPO, "checkout", ALICE)).toMatchObject({ acquired: true, lock: { holder: ALICE } });
      });

      test("each environment has its own lock, and locks are listed in order, by repository on request", async () => {
        expect((await store.acquireLock(REPO, "search", PR12)).acquired).toBe(true);
        expect((await store.acquireLock(REPO, "checkout", PR13)).acquired).toBe(true);
        expect((await store.acquireLock("acme/other", "checkout", PR13)).acquired).toBe(true);

        expect((await store.listLocks()).map((l) => [l.repository, l.environment, l.holder])).toEqual([
          ["acme/environments", "checkout", PR13],
          ["acme/environments", "search", PR12],
          ["acme/other", "checkout", PR13],
        ]);
        expect((await store.listLocks(REPO)).map((l) => l.environment)).toEqual(["checkout", "search"]);
      });

      test("of 20 holders asking at once, exactly one acquires and the others are told it is them", async () => {
        const holders = Array.from({ length: 20 }, (_, i) => ({ kind: "pull-request" as const, number: i + 1 }));
        const results = await Promise.all(holders.map((holder) => store.acquireLock(REPO, "checkout", holder)));

        const winners = results.flatMap((r) => (r.acquired ? [r.lock.holder] : []));
        expect(winners).toHaveLength(1);
        const losers = results.flatMap((r) => (r.acquired ? [] : [r.heldBy.holder]));
        expect(losers).toEqual(Array(19).fill(winners[0]));
        expect((await store.listLocks()).map((l) => l.holder)).toEqual(winners);
      });
    });
  
    describe("leases", () => {
      const KEY = "acme/environments:checkout";

      test("a lease is taken by one holder; another is told who holds it until it is released", async () => {
        const first = await store.acquireLease(KEY, "cli:alice apply", 60_000);
        expect(first).toMatchObject({ acquired: true, lease: { key: KEY, holder: "cli:alice apply" } });
        expect(await store.acquireLease(KEY, "octocat plan", 60_000)).toMatchObject({ acquired: false, heldBy: { holder: "cli:alice apply" } });
        // Same description, another holder: the token tells them apart.
        expect((await store.acquireLease(KEY, "cli:alice apply", 60_000)).acquired).toBe(false);
        if (!first.acquired) throw new Error("unreachable");
        expect(await store.releaseLease({ key: KEY, token: "not-the-token" })).toBe(false);
        expect(await store.releaseLease(first.lease)).toBe(true);
        expect((await store.acquireLease(KEY, "octocat plan", 60_000)).acquired).toBe(true);
      });

      test("a lease its holder stopped renewing expires and is taken over; the old holder can no longer renew it", async () => {
        const crashed = await store.acquireLease(KEY, "crashed", 1);
        if (!crashed.acquired) throw new Error("not acquired");
        await clockPasses(Date.now() + 2);
        const next = await store.acquireLease(KEY, "next", 60_000);
        expect(next).toMatchObject({ acquired: true, lease: { holder: "next" } });
        expect(await store.renewLease(crashed.lease, 60_000)).toBe(false);
        expect(await store.releaseLease(crashed.lease)).toBe(false);
      });

      test("a renewed lease does not expire", async () => {
        const held = await store.acquireLease(KEY, "long", 30);
        if (!held.acquired) throw new Error("not acquired");
        const firstExpiry = Date.now() + 30;
        expect(await store.renewLease(held.lease, 60_000)).toBe(true);
        await clockPasses(firstExpiry + 1);
        expect(await store.acquireLease(KEY, "other", 60_000)).toMatchObject({ acquired: false, heldBy: { holder: "long" } });
      });

      test("of 20 holders asking at once, exactly one gets the lease", async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.acquireLease(KEY, `holder-${i}`, 60_000)));
        expect(results.filter((r) => r.acquired)).toHaveLength(1);
      });
    });

    describe("the outbox of events", () => {
      const event = (environment: string) => domainEvent({ type: "drift-resolved", repository: REPO, environment, actor: "reconciler" }, new Date("2026-12-01T12:00:00Z"));

      test("events are written with the state change they describe, in one transaction: a change that fails writes none", async () => {
        const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "octocat" });
        await store.finishRun(run.id, { outcome: "succeeded" }, [event("with-the-run")]);
        await store.upsertEnvironment(checkout(), [event("with-the-record")]);
        await expect(store.finishRun(9999, { outcome: "succeeded" }, [event("lost-run")])).rejects.toThrow();
        await expect(store.upsertEnvironment({ repository: REPO, name: "ghost" }, [event("lost-record")])).rejects.toThrow();

        expect((await store.pendingEvents(10)).map((e) => e.event.environment)).toEqual(["with-the-run", "with-the-record"]);
      });

      test("pending events come oldest first; routed and parked ones are no longer pending; old ones are pruned", async () => {
        const written = event("c");
        await store.appendEvents([event("a"), event("b"), written]);
        const [a, b] = await store.pendingEvents(10);
        await store.routeEvent(a!.seq, [], new Date());
        await store.markEventFailed(b!.seq, "slack: 500", false);
        expect(await store.pendingEvents(10)).toMatchObject([{ event: { environment: "b" }, attempts: 1, lastError: "slack: 500" }, { event: { environment: "c" }, attempts: 0 }]);
        await store.markEventFailed(b!.seq, "slack: 500", true);
        expect((await store.pendingEvents(10)).map((e) => e.event.environment)).toEqual(["c"]);
        expect((await store.pendingEvents(10))[0]!.event).toEqual(written); // reads back exactly as written

        expect(await store.pruneEvents(new Date(Date.now() + 1000))).toBe(3);
        expect(await store.pendingEvents(10)).toEqual([]);
      });

      describe("deliveries: one per event and target", () => {
        const T0 = new Date("2026-12-02T10:00:00Z");
        const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
        const due = async (at: Date) => (await store.dueDeliveries(at, 50)).map((d) => `${d.target}:${d.event.environment}:${d.seq}`);

        test("routing writes a delivery per target with the event routed, once however often it is routed", async () => {
          await store.appendEvents([event("a")]);
          const [a] = await store.pendingEvents(10);
          await store.routeEvent(a!.seq, [{ target: "slack" }, { target: "hook" }], T0);
          await store.routeEvent(a!.seq, [{ target: "slack" }], T0);
          expect(await store.pendingEvents(10)).toEqual([]);
          const deliveries = await store.dueDeliveries(T0, 50);
          expect(deliveries.map((d) => d.target).sort()).toEqual(["hook", "slack"]);
          expect(deliveries[0]).toMatchObject({ seq: a!.seq, event: a!.event, state: "waiting", attempts: 0 });
        });

        test("each (target, environment) line offers only its oldest waiting delivery, when due; a failed one holds its line and no other", async () => {
          await store.appendEvents([event("a"), event("b"), event("a")]);
          const [a1, b1, a2] = await store.pendingEvents(10);
          for (const entry of [a1!, b1!, a2!]) await store.routeEvent(entry.seq, [{ target: "slack" }, { target: "hook" }], T0);
          expect((await due(T0)).sort()).toEqual([`hook:a:${a1!.seq}`, `hook:b:${b1!.seq}`, `slack:a:${a1!.seq}`, `slack:b:${b1!.seq}`].sort());

          await store.markDeliveryFailed(a1!.seq, "slack", "HTTP 503", later(10));
          await store.markDeliveryDone(a1!.seq, "hook", T0);
          // slack's line for a waits for its retry; hook's moved on to a's next event.
          expect((await due(later(1))).sort()).toEqual([`hook:a:${a2!.seq}`, `hook:b:${b1!.seq}`, `slack:b:${b1!.seq}`].sort());
          expect(await due(later(10))).toContain(`slack:a:${a1!.seq}`);
          expect(await due(later(10))).not.toContain(`slack:a:${a2!.seq}`);

          await store.markDeliveryFailed(a1!.seq, "slack", "HTTP 503 again", "park");
          expect(await due(later(10))).toContain(`slack:a:${a2!.seq}`);
          expect(await store.listParkedDeliveries({ limit: 10 })).toMatchObject([{ seq: a1!.seq, target: "slack", state: "parked", attempts: 2, lastError: "HTTP 503 again" }]);
          const status = await store.deliveryStatus();
          expect(status.find((s) => s.target === "slack")).toMatchObject({ waiting: 2, parked: 1, delivered: 0, lastError: "HTTP 503 again" });
          expect(status.find((s) => s.target === "hook")).toMatchObject({ waiting: 2, parked: 0, delivered: 1, lastDeliveredAt: T0 });

          expect(await store.retryParkedDeliveries({ target: "hook" }, later(20))).toBe(0);
          expect(await store.retryParkedDeliveries({ repositories: ["acme/other"] }, later(20))).toBe(0);
          expect(await store.retryParkedDeliveries({ target: "slack", repositories: [REPO] }, later(20))).toBe(1);
          expect(await store.listParkedDeliveries({ limit: 10 })).toEqual([]);
          expect(await due(later(20))).toContain(`slack:a:${a1!.seq}`);
        });

        test("the repositories with deliveries, and each target's deliveries of some repositories only (their counts, their newest error)", async () => {
          const OTHER = "acme/payments";
          await store.appendEvents([event("a"), domainEvent({ type: "drift-resolved", repository: OTHER, environment: "ledger", actor: "reconciler" }, T0)]);
          const [a, ledger] = await store.pendingEvents(10);
          for (const entry of [a!, ledger!]) await store.routeEvent(entry.seq, [{ target: "slack" }, { target: "hook" }], T0);
          await store.markDeliveryFailed(a!.seq, "slack", "HTTP 410: archived", "park");
          await store.markDeliveryFailed(ledger!.seq, "slack", "HTTP 404: payments-incidents", "park");
          await store.markDeliveryDone(ledger!.seq, "hook", T0);

          expect(await store.deliveryRepositories()).toEqual([REPO, OTHER]);
          expect(await store.deliveryStatus({ repositories: [REPO] })).toEqual([
            { target: "hook", waiting: 1, parked: 0, delivered: 0 },
            { target: "slack", waiting: 0, parked: 1, delivered: 0, lastError: "HTTP 410: archived" },
          ]);
          expect((await store.deliveryStatus({ repositories: [OTHER] })).find((s) => s.target === "slack")).toMatchObject({ parked: 1, lastError: "HTTP 404: payments-incidents" });
          expect(await store.deliveryStatus({ repositories: [] })).toEqual([]);
          expect((await store.deliveryStatus()).find((s) => s.target === "slack")).toMatchObject({ parked: 2, lastError: "HTTP 404: payments-incidents" });
        });

        test("a delivery to a target the server does not know is parked at routing with the reason; pruning an event takes its deliveries", async () => {
          await store.appendEvents([event("a")]);
          const [a] = await store.pendingEvents(10);
          await store.routeEvent(a!.seq, [{ target: "ghost", parkedBecause: "no target named ghost" }], T0);
          expect(await due(T0)).toEqual([]);
          expect(await store.listParkedDeliveries({ target: "ghost", limit: 10 })).toMatchObject([{ target: "ghost", lastError: "no target named ghost", attempts: 0 }]);
          expect(await store.pruneEvents(new Date(Date.now() + 1000))).toBe(1);
          expect(await store.deliveryStatus()).toEqual([]);
          expect(await store.deliveryRepositories()).toEqual([]);
        });
      });
    });

    describe("the inventory of resources", () => {
      const bucket = {
        address: "module.site.aws_s3_bucket.site",
        type: "aws_s3_bucket",
        provider: "registry.terraform.io/hashicorp/aws",
        module: "module.site",
        cloudId: "acme-assets",
        arn: "arn:aws:s3:::acme-assets",
        dependsOn: [],
        attributes: { bucket: "acme-assets", tags: { team: "web_100%" }, force_destroy: true },
      };
      const website = {
        address: "module.site.aws_s3_bucket_website_configuration.site",
        type: "aws_s3_bucket_website_configuration",
        provider: "registry.terraform.io/hashicorp/aws",
        module: "module.site",
        cloudId: "acme-assets",
        dependsOn: ["module.site.aws_s3_bucket.site"],
        attributes: { bucket: "acme-assets", index_document: [{ suffix: "index.html" }] },
      };

      test("an apply's run records the environment's resources in its transaction, replacing those before; a destroy leaves none", async () => {
        await store.upsertEnvironment(checkout());
        const first = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", actor: "alice" });
        await store.finishRun(first.id, { outcome: "succeeded", inventory: [website, bucket] });
        expect(await store.listInventory(REPO, "checkout")).toEqual([bucket, website]);
        const second = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", actor: "alice" });
        await store.finishRun(second.id, { outcome: "succeeded", inventory: [bucket] });
        expect(await store.listInventory(REPO, "checkout")).toEqual([bucket]);
        const failed = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", actor: "alice" });
        await store.finishRun(failed.id, { outcome: "failed", error: "boom" });
        expect(await store.listInventory(REPO, "checkout")).toEqual([bucket]); // a run without an inventory changes nothing
        const destroy = await store.startRun({ repository: REPO, environment: "checkout", kind: "destroy", actor: "alice" });
        await store.finishRun(destroy.id, { outcome: "succeeded", inventory: [] });
        expect(await store.listInventory(REPO, "checkout")).toEqual([]);
      });

      test("resources are found by ARN, cloud id, type, address or an attribute's value across environments, within the repositories asked", async () => {
        for (const [repository, name] of [[REPO, "checkout"], [REPO, "search"], ["acme/other", "blog"]] as const) {
          const run = await store.startRun({ repository, environment: name, kind: "apply", actor: "alice" });
          const suffix = name === "checkout" ? "" : `-${name}`;
          await store.finishRun(run.id, { outcome: "succeeded", inventory: [{ ...bucket, cloudId: `acme-assets${suffix}`, arn: `arn:aws:s3:::acme-assets${suffix}`, attributes: { ...bucket.attributes, bucket: `acme-assets${suffix}` } }] });
        }
        const where = (found: { repository: string; environment: string; matched: string }[]) => found.map((f) => `${f.repository} ${f.environment} ${f.matched}`);
        expect(where(await store.findResources("arn:aws:s3:::acme-assets", { limit: 10 }))).toEqual([`${REPO} checkout arn`]);
        expect(where(await store.findResources("acme-assets-search", { limit: 10 }))).toEqual([`${REPO} search id`]);
        expect(where(await store.findResources("aws_s3_bucket", { limit: 10 }))).toEqual([`${REPO} checkout type`, `${REPO} search type`, "acme/other blog type"]);
        expect(where(await store.findResources("aws_s3_bucket", { repositories: [REPO], limit: 1 }))).toEqual([`${REPO} checkout type`]);
        expect(where(await store.findResources("web_100%", { limit: 10 }))).toEqual([`${REPO} checkout tags.team`, `${REPO} search tags.team`, "acme/other blog tags.team"]);
        expect(where(await store.findResources("bucket=acme-assets-blog", { limit: 10 }))).toEqual(["acme/other blog bucket"]);
        expect(await store.findResources("web_1000", { limit: 10 })).toEqual([]);
        expect(await store.findResources("acme", { limit: 10 })).toEqual([]); // a part of a value is not a match
      });

      test("a search by value follows the latest apply: a value the resources no longer hold finds nothing, a new one finds them; deep and boolean values are found", async () => {
        const apply = async (attributes: Record<string, unknown>) => {
          const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", actor: "alice" });
          await store.finishRun(run.id, { outcome: "succeeded", inventory: [{ ...bucket, attributes }] });
        };
        await apply({ bucket: "old-name", versioning: [{ enabled: true, mfa: { serial: "mfa-1" } }] });
        expect((await store.findResources("old-name", { limit: 10 })).map((f) => f.matched)).toEqual(["bucket"]);
        expect(await store.findResources("versioning.0.mfa.serial=mfa-1", { limit: 10 })).toHaveLength(1);
        await apply({ bucket: "new-name" });
        expect(await store.findResources("old-name", { limit: 10 })).toEqual([]);
        expect((await store.findResources("new-name", { limit: 10 })).map((f) => f.environment)).toEqual(["checkout"]);
        expect(await store.findResources("versioning.0.mfa.serial=mfa-1", { limit: 10 })).toEqual([]);
      });

      test("each repository's latest orphan sweep replaces the one before; only the repositories asked are read", async () => {
        const orphan = { environment: "checkout", arn: "arn:aws:s3:::acme-left-behind", tags: { "envbot:repository": REPO, "envbot:environment": "checkout" } };
        expect(await store.listOrphanSweeps([REPO])).toEqual([]);
        await store.recordOrphanSweep({ repository: REPO, sweptAt: new Date("2026-12-01T10:00:00Z"), region: "us-east-1", orphans: [orphan] });
        await store.recordOrphanSweep({ repository: "acme/other", sweptAt: new Date("2026-12-01T10:00:00Z"), region: "us-east-1", orphans: [] });
        expect(await store.listOrphanSweeps([REPO])).toEqual([{ repository: REPO, sweptAt: new Date("2026-12-01T10:00:00Z"), region: "us-east-1", orphans: [orphan] }]);
        await store.recordOrphanSweep({ repository: REPO, sweptAt: new Date("2026-12-01T11:00:00Z"), region: "eu-west-1", orphans: [] });
        expect(await store.listOrphanSweeps([REPO, "acme/other", "acme/none"])).toEqual([
          { repository: REPO, sweptAt: new Date("2026-12-01T11:00:00Z"), region: "eu-west-1", orphans: [] },
          { repository: "acme/other", sweptAt: new Date("2026-12-01T10:00:00Z"), region: "us-east-1", orphans: [] },
        ].sort((a, b) => (a.repository < b.repository ? -1 : 1)));
      });
    });

    describe("chat threads", () => {
      test("a target's thread per environment is remembered, replaced and forgotten, apart from other targets and environments", async () => {
        expect(await store.notificationThread("team-slack", REPO, "checkout")).toBeUndefined();
        await store.setNotificationThread("team-slack", REPO, "checkout", "1764669600.000100");
        await store.setNotificationThread("team-slack", REPO, "search", "1764669600.000200");
        await store.setNotificationThread("ops-slack", REPO, "checkout", "1764669600.000300");
        expect(await store.notificationThread("team-slack", REPO, "checkout")).toBe("1764669600.000100");
        await store.setNotificationThread("team-slack", REPO, "checkout", "1764669700.000100");
        expect(await store.notificationThread("team-slack", REPO, "checkout")).toBe("1764669700.000100");
        await store.setNotificationThread("team-slack", REPO, "checkout", undefined);
        expect(await store.notificationThread("team-slack", REPO, "checkout")).toBeUndefined();
        expect(await store.notificationThread("team-slack", REPO, "search")).toBe("1764669600.000200");
        expect(await store.notificationThread("ops-slack", REPO, "checkout")).toBe("1764669600.000300");
        expect(await store.notificationThread("team-slack", "acme/other", "search")).toBeUndefined();
      });
    });

    describe("certificates", () => {
      const web = {
        repository: REPO,
        environment: "checkout",
        name: "web",
        serial: "0a1b2c",
        commonName: "checkout.preview.example.com",
        dnsNames: ["checkout.preview.example.com", "checkout.example.com"],
        notBefore: new Date("2026-12-01T00:00:00Z"),
        notAfter: new Date("2026-12-31T00:00:00Z"),
        issuer: "operator-ca" as const,
        issuedAt: new Date("2026-12-01T00:00:05Z"),
        certificatePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        privateKeyPem: "-----BEGIN PRIVATE KEY-----\nMIGHAgEA-the-key\n-----END PRIVATE KEY-----\n",
      };

      test("an environment's certificate reads back with its PEMs for the engine; a listing never holds a PEM or key", async () => {
        expect(await store.getCertificate(REPO, "checkout", "web")).toBeUndefined();
        await store.putCertificate(web);
        await store.putCertificate({ ...web, name: "api", serial: "0d0e" });
        await store.putCertificate({ ...web, environment: "search", serial: "0f" });
        expect(await store.getCertificate(REPO, "checkout", "web")).toEqual(web);
        const listed = await store.listCertificates(REPO, "checkout");
        expect(listed.map((c) => [c.name, c.serial])).toEqual([["api", "0d0e"], ["web", "0a1b2c"]]);
        const { certificatePem: _pem, privateKeyPem: _key, ...record } = web;
        expect(listed[1]).toEqual(record);
        expect(JSON.stringify(listed)).not.toContain("PRIVATE KEY");
        expect(JSON.stringify(listed)).not.toContain("BEGIN CERTIFICATE");
      });

      test("a new certificate replaces the one of its name; those no longer declared are forgotten, in that environment only", async () => {
        await store.putCertificate(web);
        await store.putCertificate({ ...web, name: "api" });
        await store.putCertificate({ ...web, environment: "search" });
        const renewed = { ...web, serial: "0b", notBefore: new Date("2026-12-21T00:00:00Z"), notAfter: new Date("2027-01-20T00:00:00Z"), privateKeyPem: "another key" };
        await store.putCertificate(renewed);
        expect(await store.getCertificate(REPO, "checkout", "web")).toEqual(renewed);
        await store.removeCertificates(REPO, "checkout", ["web"]);
        expect((await store.listCertificates(REPO, "checkout")).map((c) => c.name)).toEqual(["web"]);
        await store.removeCertificates(REPO, "checkout", []);
        expect(await store.listCertificates(REPO, "checkout")).toEqual([]);
        expect((await store.listCertificates(REPO, "search")).map((c) => c.name)).toEqual(["web"]);
      });
    });

    describe("sensitive values", () => {
      const first = new Date("2026-12-01T00:00:00Z");
      const later = new Date("2026-12-02T00:00:00Z");

      test("kept per environment and kind, any JSON value; an unchanged value keeps when it changed, a new one moves it; those no longer given are forgotten", async () => {
        expect(await store.getSensitiveValues(REPO, "shared-db", "output")).toEqual({});
        await store.keepSensitiveValues(REPO, "shared-db", "output", { password: "hunter22", creds: { user: "admin", port: 5432 }, token: "t-1" }, first);
        await store.keepSensitiveValues(REPO, "shared-db", "input", { password: "from-elsewhere" }, first);
        await store.keepSensitiveValues(REPO, "other", "output", { password: "elsewhere" }, first);
        await store.keepSensitiveValues(REPO, "shared-db", "output", { password: "hunter22", creds: { user: "admin", port: 5433 } }, later);
        expect(await store.getSensitiveValues(REPO, "shared-db", "output")).toEqual({
          password: { value: "hunter22", changedAt: first },
          creds: { value: { user: "admin", port: 5433 }, changedAt: later },
        });
        await store.keepSensitiveValues(REPO, "shared-db", "output", {}, later);
        expect(await store.getSensitiveValues(REPO, "shared-db", "output")).toEqual({});
        expect(await store.getSensitiveValues(REPO, "shared-db", "input")).toEqual({ password: { value: "from-elsewhere", changedAt: first } });
        expect(await store.getSensitiveValues(REPO, "other", "output")).toEqual({ password: { value: "elsewhere", changedAt: first } });
      });
    });

    describe("what the control plane reads", () => {
      test("an environment's description, labels, definition and outputs read back as written, and can be cleared", async () => {
        const definition = { apiVersion: "envbot.dev/v1", kind: "Environment", metadata: { name: "checkout" }, spec: { template: "sandbox", variables: { replicas: 2 } } };
        await store.upsertEnvironment(checkout({ description: "Checkout preview", labels: { "cost-center": "4711" }, definition }));
        const applied = await store.upsertEnvironment({ repository: REPO, name: "checkout", status: "active", outputs: { url: "http://x.test", ports: [80, 443] } });
        expect(applied).toMatchObject({ description: "Checkout preview", labels: { "cost-center": "4711" }, definition, outputs: { url: "http://x.test", ports: [80, 443] } });
        expect(await store.getEnvironment(REPO, "checkout")).toStrictEqual(applied);
        const cleared = await store.upsertEnvironment({ repository: REPO, name: "checkout", outputs: undefined, description: undefined });
        expect(cleared.outputs).toBeUndefined();
        expect(cleared.description).toBeUndefined();
        expect(cleared.labels).toEqual({ "cost-center": "4711" });
      });

      test("recent runs across repositories come newest first, filtered and paged by id", async () => {
        const ids: number[] = [];
        for (const [repository, environment] of [[REPO, "checkout"], ["acme/other", "checkout"], [REPO, "search"], [REPO, "checkout"]] as const) {
          ids.push((await store.startRun({ repository, environment, kind: "plan", actor: "octocat" })).id);
        }
        const all = await store.listRecentRuns({ limit: 10 });
        expect(all.map((run) => run.id)).toEqual([...ids].reverse());
        expect((await store.listRecentRuns({ repositories: [REPO], limit: 10 })).map((run) => run.id)).toEqual([ids[3], ids[2], ids[0]]);
        expect((await store.listRecentRuns({ repositories: [REPO], environment: "checkout", limit: 10 })).map((run) => run.id)).toEqual([ids[3], ids[0]]);
        expect((await store.listRecentRuns({ repositories: [REPO], beforeId: ids[3], limit: 1 })).map((run) => run.id)).toEqual([ids[2]]);
        expect(await store.listRecentRuns({ repositories: [], limit: 10 })).toEqual([]);
      });

      test("a run's log is kept line by line in order, and read from where a reader left off", async () => {
        const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "octocat" });
        await store.appendRunLog(run.id, ["Initializing...", "Plan: 1 to add"]);
        await store.appendRunLog(run.id, []);
        await Promise.all([store.appendRunLog(run.id, ["a"]), store.appendRunLog(run.id, ["b"])]);
        const lines = await store.readRunLog(run.id, 0, 100);
        expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
        expect(lines.slice(0, 2).map((l) => l.line)).toEqual(["Initializing...", "Plan: 1 to add"]);
        expect(lines.slice(2).map((l) => l.line).sort()).toEqual(["a", "b"]);
        expect(await store.readRunLog(run.id, 2, 1)).toEqual([lines[2]]);
        expect(await store.readRunLog(run.id + 1000, 0, 10)).toEqual([]);
      });

      test("the logs of runs finished before a moment are forgotten; running and later runs keep theirs", async () => {
        const finished = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "octocat" });
        const running = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "octocat" });
        await store.appendRunLog(finished.id, ["a", "b"]);
        await store.appendRunLog(running.id, ["c"]);
        await store.finishRun(finished.id, { outcome: "succeeded", logExcerpt: "b" });
        expect(await store.pruneRunLogs(new Date(Date.now() - 60_000))).toBe(0);
        expect(await store.pruneRunLogs(new Date(Date.now() + 60_000))).toBe(2);
        expect(await store.readRunLog(finished.id, 0, 10)).toEqual([]);
        expect((await store.getRun(finished.id))?.logExcerpt).toBe("b");
        expect(await store.readRunLog(running.id, 0, 10)).toEqual([{ seq: 1, line: "c" }]);
      });

      test("an API token is found by its hash until it is revoked, only by its creator", async () => {
        const token = await store.createApiToken({ hash: "h1", name: "ci", login: "octocat", repositories: [REPO] });
        expect(token).toStrictEqual({ id: expect.any(Number), name: "ci", login: "octocat", repositories: [REPO], createdAt: expect.any(Date) });
        const used = await store.useApiToken("h1");
        expect(used).toMatchObject({ id: token.id, login: "octocat", lastUsedAt: expect.any(Date) });
        expect(await store.useApiToken("h2")).toBeUndefined();
        expect((await store.listApiTokens("octocat")).map((t) => t.id)).toEqual([token.id]);
        expect(await store.revokeApiToken(token.id, "mallory")).toBe(false);
        expect(await store.revokeApiToken(token.id, "octocat")).toBe(true);
        expect(await store.revokeApiToken(token.id, "octocat")).toBe(false);
        expect(await store.useApiToken("h1")).toBeUndefined();
        expect(await store.listApiTokens("octocat")).toEqual([]);
      });

      test("a session is kept by its id until it is ended, one at a time or all of a login's at once, and forgotten once expired", async () => {
        const createdAt = new Date("2026-12-06T10:00:00.000Z");
        const expiresAt = new Date("2026-12-06T18:00:00.000Z");
        await store.createSession({ id: "s1", login: "octocat", createdAt, expiresAt });
        await store.createSession({ id: "s2", login: "octocat", createdAt, expiresAt: new Date("2026-12-06T19:00:00.000Z") });
        await store.createSession({ id: "s3", login: "hubot", createdAt, expiresAt });
        expect(await store.getSession("s1")).toStrictEqual({ id: "s1", login: "octocat", createdAt, expiresAt });
        expect(await store.getSession("nope")).toBeUndefined();

        expect(await store.endSession("s1")).toBe(true);
        expect(await store.endSession("s1")).toBe(false);
        expect(await store.getSession("s1")).toMatchObject({ id: "s1", endedAt: expect.any(Date) });
        expect(await store.endSessionsOf("octocat")).toBe(1); // s2; s1 had ended
        expect((await store.getSession("s2"))?.endedAt).toEqual(expect.any(Date));
        expect((await store.getSession("s3"))?.endedAt).toBeUndefined();

        expect(await store.pruneSessions(new Date("2026-12-06T18:30:00.000Z"))).toBe(2); // s1 and s3
        expect(await store.getSession("s3")).toBeUndefined();
        expect(await store.getSession("s2")).toMatchObject({ id: "s2" });
      });

      test("a server secret is kept by the first writer; every later or concurrent one reads that one", async () => {
        const kept = await Promise.all(["first", "second", "third"].map((generated) => store.keepServerSecret("session", generated)));
        expect(new Set(kept).size).toBe(1);
        expect(await store.keepServerSecret("session", "later")).toBe(kept[0]);
        expect(await store.keepServerSecret("other", "x")).toBe("x");
      });

      test("a run's end can be written to the audit trail in the same step, with the run's kind and outcome", async () => {
        const run = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", actor: "octocat" });
        await store.finishRun(run.id, { outcome: "failed", error: "boom", audit: { actor: "octocat", source: "pull-request", detail: "pull request #12" } });
        expect(await store.listAudit({ limit: 10 })).toEqual([
          { id: expect.any(Number), at: expect.any(Date), actor: "octocat", source: "pull-request", action: "apply", repository: REPO, environment: "checkout", outcome: "failed", detail: "pull request #12" },
        ]);
      });

      test("the audit trail is appended and read newest first, per repository and environment", async () => {
        const first = await store.recordAudit({ actor: "octocat", source: "api", action: "unlock", repository: REPO, environment: "checkout", outcome: "accepted" });
        expect(first).toStrictEqual({ id: expect.any(Number), at: expect.any(Date), actor: "octocat", source: "api", action: "unlock", repository: REPO, environment: "checkout", outcome: "accepted" });
        const second = await store.recordAudit({ actor: "hubot", source: "api-token", action: "token.create", repository: "acme/other", outcome: "refused", detail: "needs write" });
        expect((await store.listAudit({ limit: 10 })).map((e) => e.id)).toEqual([second.id, first.id]);
        expect(await store.listAudit({ repositories: [REPO], limit: 10 })).toEqual([first]);
        expect(await store.listAudit({ environment: "checkout", limit: 10 })).toEqual([first]);
        expect(await store.listAudit({ beforeId: second.id, limit: 10 })).toEqual([first]);
      });
    });

    describe("jobs (the embedded queue's)", () => {
      const job = (key: string, payload: string, final = false) => ({ key, final, payload: JSON.stringify(payload) });
      /** addJob for a job with no delivery id: always added. */
      const add = async (kept: ReturnType<typeof job>) => {
        const result = await store.addJob(kept);
        if (!result.added) throw new Error("a job without a delivery id was not added");
        return result;
      };

      test("a job is kept with the webhook delivery that asked for it; a redelivery adds nothing", async () => {
        expect(await store.addJob({ ...job("pr#1", "plan"), delivery: "d-1" })).toMatchObject({ added: true });
        expect(await store.hasDelivery("d-1")).toBe(true);
        expect(await store.addJob({ ...job("pr#1", "plan again"), delivery: "d-1" })).toEqual({ added: false });
        expect((await store.listJobs()).map((j) => JSON.parse(j.payload))).toEqual(["plan"]);
        expect(await store.hasDelivery("d-2")).toBe(false);
      });

      test("a new job drops the queued, not final, jobs of its key; started and final ones stay", async () => {
        const queued = await add(job("pr#1", "plan 1"));
        const started = await add(job("pr#1", "plan 2"));
        expect(started.superseded).toEqual([queued.id]);
        await store.markJobStarted(started.id);
        const final = await add(job("pr#1", "apply", true));
        const other = await add(job("pr#2", "plan"));
        const waiting = await add(job("pr#1", "plan 3"));
        const newest = await add(job("pr#1", "plan 4"));

        expect(final.superseded).toEqual([]);
        expect(newest.superseded).toEqual([waiting.id]);
        expect((await store.listJobs()).map((j) => [j.id, JSON.parse(j.payload)])).toEqual([
          [started.id, "plan 2"],
          [final.id, "apply"],
          [other.id, "plan"],
          [newest.id, "plan 4"],
        ]);
      });

      test("a started job says when and how often it started; a removed one is gone", async () => {
        const { id } = await add(job("pr#1", "plan"));
        expect(await store.listJobs()).toMatchObject([{ id, key: "pr#1", final: false, attempts: 0, enqueuedAt: expect.any(Date) }]);
        expect((await store.listJobs())[0]!.startedAt).toBeUndefined();
        await store.markJobStarted(id);
        await store.markJobStarted(id);
        expect(await store.listJobs()).toMatchObject([{ id, attempts: 2, startedAt: expect.any(Date) }]);
        await store.removeJob(id);
        expect(await store.listJobs()).toEqual([]);
      });
    });

  test("a webhook delivery is recorded once; a redelivery of the same id is recognized", async () => {
    expect(await store.recordDelivery("d-1")).toBe(true);
    expect(await store.recordDelivery("d-1")).toBe(false);
    expect(await store.recordDelivery("d-2")).toBe(true);
  });

  test("old deliveries are pruned, recent ones kept", async () => {
    await store.recordDelivery("old", new Date("2026-01-01T00:00:00Z"));
    await store.recordDelivery("new", new Date("2026-06-01T00:00:00Z"));
    expect(await store.pruneDeliveries(new Date("2026-03-01T00:00:00Z"))).toBe(1);
    expect(await store.recordDelivery("old")).toBe(true);
    expect(await store.recordDelivery("new")).toBe(false);
  });

  test("a store in use is healthy: what it writes will be there after a restart", async () => {
    expect(await store.health()).toEqual({ ok: true });
    await store.upsertEnvironment(checkout());
    await store.recordDelivery("d-1");
    expect(await store.health()).toEqual({ ok: true });
  });
});
}
