import { jest } from "@jest/globals";
import { pgBossQueue, type PgBossQueue } from "../../src/adapters/queue/pg-boss-queue.js";
import { openPostgresStore, type PostgresStore } from "../../src/adapters/store/postgres/index.js";
import { JobHandedOnError, type JobRunContext } from "../../src/core/ports/index.js";
import { eventually } from "../helpers/eventually.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres-server.js";

// Each test waits for what the workers do, however long a loaded machine takes, up to this.

let server: PostgresServer;
let schemas = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

class ProviderUnreachable extends Error {}

/** What one worker ran: each job's payload, with how it was told to run. */
interface Ran {
  worker: string;
  payload: string;
  resumed: boolean;
}

/**
 * A deployment of `workers` worker processes on one database, in this process: each has its own
 * store (pool) and queue, as separate processes would. Jobs are strings; "slow:NAME" runs until its
 * signal aborts (or `release` is called), "flaky:NAME" fails as retryable on its first attempt.
 */
async function deployment(workers: number, options: { leaseTtlMs?: number; retryDelaySeconds?: number; pollMs?: number } = {}) {
  const schema = `queue_${++schemas}`;
  const ran: Ran[] = [];
  const aborted: string[] = [];
  const errors: unknown[] = [];
  const releases = new Map<string, () => void>();
  const stores: PostgresStore[] = [];
  const queues: PgBossQueue[] = [];
  for (let i = 0; i < workers; i++) {
    const store = await openPostgresStore({ connectionString: server.connectionString, schema, poolSize: 4 });
    const queue = await pgBossQueue({
      database: store.database,
      store,
      bossSchema: `${schema}_boss`,
      concurrency: 2,
      leaseTtlMs: options.leaseTtlMs ?? 60_000,
      pollMs: options.pollMs ?? 100,
      worker: `w${i}`,
      retry: { limit: 2, delaySeconds: options.retryDelaySeconds ?? 1, isRetryable: (error) => error instanceof ProviderUnreachable },
      onError: (error) => errors.push(error),
    });
    stores.push(store);
    queues.push(queue);
  }
  const inSlot = new Set<string>();
  let mostInSlots = 0;
  const runner = (worker: string) => async (payload: unknown, context: JobRunContext) => {
    const text = payload as string;
    ran.push({ worker, payload: text, resumed: context.resumed });
    if (text.startsWith("terraform:")) {
      // As a plan does: its Terraform in one of the worker's slots, until released (or stopped).
      await queues[Number(worker.slice(1))]!.exclusive(text, async () => {
        inSlot.add(text);
        mostInSlots = Math.max(mostInSlots, inSlot.size);
        await new Promise<void>((resolve) => {
          releases.set(text, resolve);
          if (context.signal.aborted) resolve();
          context.signal.addEventListener("abort", () => resolve());
        });
        inSlot.delete(text);
      });
    }
    if (text.startsWith("slow:")) {
      await new Promise<void>((resolve) => {
        releases.set(text, resolve);
        context.signal.addEventListener("abort", () => {
          aborted.push(text);
          resolve();
        });
      });
      // As envbot's runner does: a job handed on stops without reporting, by throwing the reason.
      if (context.signal.reason instanceof JobHandedOnError) throw context.signal.reason;
    }
    if (text.startsWith("flaky:") && !context.resumed) {
      const error = new ProviderUnreachable("the provider's API did not answer");
      if (context.mayRetry?.(error)) throw error;
    }
    if (text.startsWith("broken:")) throw new Error("a bug");
  };
  return {
    ran,
    /** Jobs pg-boss holds for a worker to take (not yet fetched). */
    waiting: async () => Number((await stores[0]!.database.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}_boss.job WHERE state IN ('created', 'retry')`)).rows[0]!.n),
    inSlot,
    mostInSlots: () => mostInSlots,
    aborted,
    errors,
    stores,
    queues,
    start: async (which = queues.map((_, i) => i)) => {
      for (const i of which) await queues[i]!.start(runner(`w${i}`));
    },
    release: (payload: string) => releases.get(payload)?.(),
    async close() {
      for (const queue of queues) await queue.stop(0);
      for (const store of stores) await store.close().catch(() => undefined);
    },
  };
}

describe("pg-boss job queue", () => {
  test("jobs from many deliveries run exactly once across two workers; a redelivered webhook adds nothing", async () => {
    const d = await deployment(2);
    try {
      await d.start();
      for (let i = 1; i <= 20; i++) {
        expect(await d.queues[i % 2]!.enqueue({ key: `acme/envs#${i}`, payload: `plan #${i}` }, { delivery: `delivery-${i}` })).toBe(true);
        expect(await d.queues[(i + 1) % 2]!.enqueue({ key: `acme/envs#${i}`, payload: `plan #${i} again` }, { delivery: `delivery-${i}` })).toBe(false);
      }
      await d.queues[0]!.idle();
      expect(d.ran.map((r) => r.payload).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `plan #${i + 1}`).sort());
      expect(new Set(d.ran.map((r) => r.worker))).toEqual(new Set(["w0", "w1"]));
      expect(await d.stores[0]!.hasDelivery("delivery-7")).toBe(true);
    } finally {
      await d.close();
    }
  });

  test("an idle worker takes a job queued elsewhere at once, not at its next poll, also after its listening connection was cut", async () => {
    // Ten minutes between polls: only the notification of the queued job can wake the worker.
    const d = await deployment(2, { pollMs: 600_000 });
    const listening = async () => Number((await d.stores[0]!.database.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'envbot listen' AND query LIKE 'LISTEN%'")).rows[0]!.n);
    try {
      await d.start([0]);
      await eventually("worker 0 listening", async () => (await listening()) === 1, 60_000);
      await d.queues[1]!.enqueue({ key: "acme/envs#1", payload: "plan #1" });
      await eventually("worker 0 ran the job queued by the server", () => d.ran.length === 1, 60_000);

      await d.stores[0]!.database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'envbot listen'");
      await eventually("worker 0 listening again", async () => (await listening()) === 1, 60_000);
      await d.queues[1]!.enqueue({ key: "acme/envs#2", payload: "plan #2" });
      await eventually("worker 0 ran the second job", () => d.ran.length === 2, 60_000);
      expect(d.ran.map((r) => [r.worker, r.payload])).toEqual([["w0", "plan #1"], ["w0", "plan #2"]]);
    } finally {
      await d.close();
    }
  });

  test("a worker holds twice its concurrency in jobs, while Terraform runs in `concurrency` slots: the next job waits for a slot with its bookkeeping done", async () => {
    const d = await deployment(1);
    try {
      await d.start();
      for (const name of ["a", "b", "c", "d", "e"]) await d.queues[0]!.enqueue({ key: `acme/envs:${name}`, payload: `terraform:${name}` });
      // Concurrency 2: four jobs taken (two in slots, two waiting for one), the fifth left queued.
      await eventually("the worker holds four jobs and leaves one queued", async () => d.ran.length === 4 && d.inSlot.size === 2 && (await d.waiting()) === 1, 60_000);
      expect(d.ran).toHaveLength(4);
      d.release([...d.inSlot][0]!);
      await eventually("a waiting job takes the freed slot and the fifth job is taken", () => d.ran.length === 5 && d.inSlot.size === 2, 60_000);
      await eventually("every job runs to its end, each released as it takes a slot", () => {
        for (const name of d.inSlot) d.release(name);
        return d.inSlot.size === 0 && d.queues[0]!.depth().running === 0;
      }, 60_000);
      await d.queues[0]!.idle();
      expect(d.mostInSlots()).toBe(2);
      expect(d.ran.map((r) => r.payload).sort()).toEqual(["terraform:a", "terraform:b", "terraform:c", "terraform:d", "terraform:e"]);
    } finally {
      await d.close();
    }
  });

  test("a newer job of a key cancels the running one on whichever worker runs it, and queued ones in between never run", async () => {
    const d = await deployment(2);
    try {
      await d.start([0]);
      await d.queues[1]!.enqueue({ key: "pr#5", payload: "slow:first push" });
      await eventually("the first plan runs", () => d.ran.length === 1);
      await d.start([1]);
      await d.queues[1]!.enqueue({ key: "pr#5", payload: "second push" });
      await d.queues[0]!.enqueue({ key: "pr#5", payload: "third push" });
      await eventually("the running plan is cancelled", () => d.aborted.includes("slow:first push"));
      await d.queues[0]!.idle();
      expect(d.ran.map((r) => r.payload)).toEqual(["slow:first push", "third push"]);
    } finally {
      await d.close();
    }
  });

  test("a final job (a merge's apply) is never cancelled by a later one, which runs after it", async () => {
    const d = await deployment(2);
    try {
      // One worker, its two slots held by the apply and a marker job of another key.
      await d.start([0]);
      await d.queues[0]!.enqueue({ key: "pr#6", final: true, payload: "slow:apply" });
      await d.queues[0]!.enqueue({ key: "pr#99", payload: "slow:marker" });
      await eventually("the apply and the marker run", () => d.ran.length === 2);
      await d.queues[1]!.enqueue({ key: "pr#6", payload: "plan after merge" });
      // The worker cancels what a newer job supersedes in one look at every key it runs: once it
      // has cancelled the marker, superseded after the plan was queued, it has also judged the apply.
      await d.queues[1]!.enqueue({ key: "pr#99", payload: "marker superseded" });
      await eventually("the marker is cancelled", () => d.aborted.includes("slow:marker"));
      expect(d.aborted).toEqual(["slow:marker"]);
      const ofPr6 = () => d.ran.map((r) => r.payload).filter((payload) => !payload.includes("marker"));
      expect(ofPr6()).toEqual(["slow:apply"]);
      d.release("slow:apply");
      await d.queues[0]!.idle();
      expect(ofPr6()).toEqual(["slow:apply", "plan after merge"]);
    } finally {
      await d.close();
    }
  });

  test("a failure worth retrying runs again after a backoff; any other failure is reported once and not retried", async () => {
    const d = await deployment(1);
    try {
      await d.start();
      await d.queues[0]!.enqueue({ key: "pr#7", payload: "flaky:plan" });
      await d.queues[0]!.enqueue({ key: "pr#8", payload: "broken:plan" });
      await d.queues[0]!.idle();
      expect(d.ran.filter((r) => r.payload === "flaky:plan").map((r) => r.resumed)).toEqual([false, true]);
      expect(d.ran.filter((r) => r.payload === "broken:plan")).toHaveLength(1);
      expect(d.errors).toEqual([expect.objectContaining({ message: "a bug" })]);
    } finally {
      await d.close();
    }
  });

  test("a worker cut off from the database loses its jobs to another worker once its lease expires, at once (no retry backoff: the job did not fail), and stops them", async () => {
    // Failures wait an hour before their retry here: the handed-back job must not.
    const d = await deployment(2, { leaseTtlMs: 1500, retryDelaySeconds: 3600 });
    try {
      await d.start([0]);
      await d.queues[0]!.enqueue({ key: "pr#9", payload: "slow:plan" });
      await eventually("worker 0 runs the plan", () => d.ran.length === 1);
      // Worker 0 can no longer reach the database: as if its network were cut.
      await d.stores[0]!.database.close();
      await d.start([1]);
      await eventually("worker 1 runs it again", () => d.ran.length === 2);
      expect(d.ran[1]).toEqual({ worker: "w1", payload: "slow:plan", resumed: true });
      await eventually("worker 0 stops its copy", () => d.aborted.length >= 1);
      d.release("slow:plan");
    } finally {
      await d.close();
    }
  }, 60_000);

  test("a stopping worker lets its job finish within the grace period, or interrupts it and another worker runs it at once", async () => {
    const d = await deployment(2, { retryDelaySeconds: 3600 });
    try {
      await d.start([0]);
      await d.queues[0]!.enqueue({ key: "pr#10", payload: "slow:long plan" });
      await eventually("worker 0 runs the plan", () => d.ran.length === 1);
      await d.start([1]);
      await d.queues[0]!.stop(300);
      expect(d.aborted).toEqual(["slow:long plan"]);
      await eventually("worker 1 runs the interrupted plan", () => d.ran.length === 2);
      expect(d.ran[1]).toMatchObject({ worker: "w1", resumed: true });
      d.release("slow:long plan");
      await d.queues[1]!.idle();
    } finally {
      await d.close();
    }
  }, 30_000);
});
