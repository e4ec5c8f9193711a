import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inProcessQueue } from "../../../src/adapters/queue/in-process-queue.js";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import type { JobQueue, QueuedJob, Store } from "../../../src/core/ports/index.js";

/** One turn of the event loop: work that yields, so that others may start meanwhile (no wall-clock wait). */
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A promise with its resolve at hand: "the job has started", "the test has enqueued its next job". */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `abort` has aborted. */
const aborted = (abort: AbortSignal) => new Promise<void>((resolve) => (abort.aborted ? resolve() : abort.addEventListener("abort", () => resolve(), { once: true })));

/**
 * Jobs are data; these tests give each a name and keep what it does here, so the queue's
 * scheduling can be watched. `enqueue` takes the work along with the key.
 */
function testQueue(options: Omit<Parameters<typeof inProcessQueue>[0], "onError"> & { onError?: (error: unknown, job: QueuedJob) => void }) {
  const queue = inProcessQueue({ onError: () => undefined, ...options });
  const work = new Map<string, (signal: AbortSignal) => Promise<void>>();
  let next = 0;
  void queue.start(async (payload, { signal }) => work.get((payload as { name: string }).name)!(signal));
  return {
    ...queue,
    enqueue(job: { key: string; final?: boolean; run: (signal: AbortSignal) => Promise<void> }) {
      const name = `job-${next++}`;
      work.set(name, job.run);
      return queue.enqueue({ key: job.key, final: job.final, payload: { name } });
    },
  };
}

describe("the in-process job queue", () => {
  test("runs at most `concurrency` Terraform operations at once, and at most jobsAtOnce jobs", async () => {
    const queue = testQueue({ concurrency: 2, jobsAtOnce: 4 });
    let [jobs, jobPeak, operations, operationPeak] = [0, 0, 0, 0];
    for (let i = 0; i < 8; i++) {
      void queue.enqueue({
        key: `job-${i}`,
        run: async () => {
          jobPeak = Math.max(jobPeak, ++jobs);
          await queue.exclusive(`env-${i}`, async () => {
            operationPeak = Math.max(operationPeak, ++operations);
            await tick();
            operations--;
          });
          jobs--;
        },
      });
    }
    await queue.idle();
    expect([jobPeak, operationPeak]).toEqual([4, 2]);
  });

  test("fair: a job with many environments does not starve a job with one", async () => {
    const queue = testQueue({ concurrency: 1 });
    const done: string[] = [];
    const environments = (job: string, names: string[]) => ({
      key: job,
      run: async () => {
        for (const name of names) await queue.exclusive(name, async () => void (await tick(), done.push(name)));
      },
    });
    void queue.enqueue(environments("pr#1", ["a1", "a2", "a3", "a4", "a5"]));
    void queue.enqueue(environments("pr#2", ["b1"]));
    await queue.idle();
    expect(done.indexOf("b1")).toBeLessThanOrEqual(1);
  });

  test("a newer job with the same key cancels the running one and runs after it", async () => {
    const queue = testQueue({ concurrency: 2 });
    const events: string[] = [];
    const firstStarted = deferred();
    void queue.enqueue({
      key: "pr#1",
      run: async (abort) => {
        events.push("first started");
        firstStarted.resolve();
        await aborted(abort);
        events.push("first cancelled");
      },
    });
    await firstStarted.promise;
    void queue.enqueue({ key: "pr#1", run: async () => void events.push("second ran") });
    await queue.idle();
    expect(events).toEqual(["first started", "first cancelled", "second ran"]);
  });

  test("of several queued jobs with one key only the newest runs", async () => {
    const queue = testQueue({ concurrency: 1, jobsAtOnce: 1 });
    const ran: string[] = [];
    void queue.enqueue({ key: "blocker", run: async () => void (await tick()) });
    for (const n of [1, 2, 3]) void queue.enqueue({ key: "pr#7", run: async () => void ran.push(`push ${n}`) });
    await queue.idle();
    expect(ran).toEqual(["push 3"]);
  });

  test("exclusive work on one key runs one at a time, other keys in parallel", async () => {
    const queue = testQueue({ concurrency: 4 });
    const log: string[] = [];
    const work = (key: string, name: string) =>
      queue.exclusive(key, async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
      });
    await Promise.all([work("env-a", "a1"), work("env-a", "a2"), work("env-b", "b1")]);
    expect(log.indexOf("a1 end")).toBeLessThan(log.indexOf("a2 start"));
    expect(log.indexOf("b1 start")).toBeLessThan(log.indexOf("a1 end"));
  });

  test("a failing job is reported and does not stop the queue", async () => {
    const errors: unknown[] = [];
    const queue = testQueue({ concurrency: 1, jobsAtOnce: 1, onError: (error) => errors.push(error) });
    let ran = false;
    void queue.enqueue({ key: "a", run: async () => { throw new Error("boom"); } });
    void queue.enqueue({ key: "b", run: async () => void (ran = true) });
    await queue.idle();
    expect(errors).toEqual([new Error("boom")]);
    expect(ran).toBe(true);
  });
});

describe("final jobs (the apply of a merge)", () => {
  test("a later job of the same key neither cancels nor replaces a final job; it runs after it", async () => {
    const queue = testQueue({ concurrency: 1 });
    const events: string[] = [];
    const applyStarted = deferred();
    const planQueued = deferred();
    void queue.enqueue({
      key: "pr#1",
      final: true,
      run: async (abort) => {
        events.push("apply started");
        applyStarted.resolve();
        await planQueued.promise;
        events.push(abort.aborted ? "apply cancelled" : "apply finished");
      },
    });
    await applyStarted.promise;
    await queue.enqueue({ key: "pr#1", run: async () => void events.push("plan ran") });
    planQueued.resolve();
    await queue.idle();
    expect(events).toEqual(["apply started", "apply finished", "plan ran"]);
  });
});

describe("kept in the store: jobs survive the process", () => {
  let dir: string;
  let file: string;
  const stores: Store[] = [];
  const open = () => {
    const store = openSqliteStore({ file });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "envbot-queue-"));
    file = path.join(dir, "envbot.db");
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs every job the queue is given, recording its payload and whether it was resumed. */
  async function startRecording(queue: JobQueue) {
    const ran: { payload: unknown; resumed: boolean }[] = [];
    await queue.start(async (payload, { resumed }) => void ran.push({ payload, resumed }));
    await queue.idle();
    return ran;
  }

  test("a job kept before its process stopped runs in the next process, once, and is then forgotten", async () => {
    // The first process acknowledges the job and stops before running it (never started).
    const before = inProcessQueue({ concurrency: 1, onError: () => undefined, store: open() });
    await before.enqueue({ key: "acme/envs#1", payload: { kind: "plan", number: 1 } });
    expect(await stores[0]!.listJobs()).toHaveLength(1);

    const after = inProcessQueue({ concurrency: 1, onError: () => undefined, store: open() });
    expect(await startRecording(after)).toEqual([{ payload: { kind: "plan", number: 1 }, resumed: false }]);
    expect(await stores[1]!.listJobs()).toEqual([]);
  });

  test("a job that was running when its process stopped runs again, marked as resumed", async () => {
    const store = open();
    const kept = await store.addJob({ key: "acme/envs#2", final: true, payload: JSON.stringify({ kind: "apply" }) });
    if (!kept.added) throw new Error("not kept");
    await store.markJobStarted(kept.id); // and then the process was killed

    const ran = await startRecording(inProcessQueue({ concurrency: 1, onError: () => undefined, store: open() }));
    expect(ran).toEqual([{ payload: { kind: "apply" }, resumed: true }]);
  });

  test("of the jobs left behind, the newest of a key supersedes the older ones; final jobs all run, in order", async () => {
    const store = open();
    await store.addJob({ key: "pr#1", final: false, payload: JSON.stringify("plan 1") });
    const started = await store.addJob({ key: "pr#1", final: false, payload: JSON.stringify("plan 2") });
    if (!started.added) throw new Error("not kept");
    await store.markJobStarted(started.id);
    await store.addJob({ key: "pr#1", final: false, payload: JSON.stringify("plan 3") }); // drops "plan 1", not the started "plan 2"
    await store.addJob({ key: "pr#2", final: true, payload: JSON.stringify("apply 2") });
    await store.addJob({ key: "pr#2", final: true, payload: JSON.stringify("apply 2 again") });
    expect((await store.listJobs()).map((job) => JSON.parse(job.payload))).toEqual(["plan 2", "plan 3", "apply 2", "apply 2 again"]);

    const ran = await startRecording(inProcessQueue({ concurrency: 1, onError: () => undefined, store: open() }));
    expect(ran.map((r) => r.payload)).toEqual(["plan 3", "apply 2", "apply 2 again"]);
    expect(await stores[1]!.listJobs()).toEqual([]);
  });

  test("a job that failed is reported and forgotten, not retried in a loop", async () => {
    const errors: unknown[] = [];
    const store = open();
    const queue = inProcessQueue({ concurrency: 1, onError: (error) => errors.push(error), store });
    await queue.start(async () => {
      throw new Error("GitHub said 500");
    });
    await queue.enqueue({ key: "pr#3", payload: "plan" });
    await queue.idle();
    expect(errors).toEqual([new Error("GitHub said 500")]);
    expect(await store.listJobs()).toEqual([]);
  });
});
