import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { EnvironmentBusyError, withLease } from "../../core/engine/environment-lease.js";
import { JobHandedOnError, type JobQueue, type JobRunner, type QueuedJob, type Store } from "../../core/ports/index.js";
import { isConnectionError } from "../store/postgres/connection-errors.js";
import type { PostgresDatabase, Query } from "../store/postgres/postgres-database.js";
import { terraformSlots } from "./terraform-slots.js";

/** The one pg-boss queue envbot's jobs go through. */
export const JOB_QUEUE = "envbot-jobs";

/** A job as it travels through pg-boss: the queued job and the generation of its key when it was sent. */
interface BossJobData {
  key: string;
  final: boolean;
  generation: number;
  payload: unknown;
}

/** Why the jobs of a stopping worker are interrupted: they are handed on and run again elsewhere. */
export class WorkerStoppingError extends JobHandedOnError {
  override name = "WorkerStoppingError";
}

/** A failure worth another attempt (the database or a provider was out of reach): pg-boss retries it with backoff. */
export interface RetryPolicy {
  /** Attempts after the first. */
  limit: number;
  /** Seconds before the first retry; doubled (with jitter) each time. */
  delaySeconds: number;
  isRetryable(error: unknown): boolean;
}

export interface PgBossQueueOptions {
  database: PostgresDatabase;
  /** The store on the same database: the lease that runs one job per key at a time. */
  store: Pick<Store, "acquireLease" | "renewLease" | "releaseLease">;
  /** Terraform operations at once in this process (its slots: see `exclusive`). */
  concurrency: number;
  /**
   * Jobs this worker holds at once (default twice `concurrency`). One waiting behind each
   * Terraform slot has fetched its job, taken its lease and read its files and records by the time
   * the slot frees, so Terraform never waits on that bookkeeping; more would keep jobs from idle
   * workers.
   */
  jobsAtOnce?: number;
  /** How long a job stays with a worker that stopped renewing it (killed, cut off) before it runs elsewhere. */
  leaseTtlMs: number;
  retry: RetryPolicy;
  /** Names this process in leases and logs. */
  worker?: string;
  /** pg-boss's schema (default "pgboss"). */
  bossSchema?: string;
  /** How often an idle worker asks for work (default 1 s). */
  pollMs?: number;
  /**
   * pg-boss's own limit on one job; envbot's lease is the real guard, so this only has to be
   * longer than any job (default 23 hours, pg-boss's maximum is 24).
   */
  expireInSeconds?: number;
  onError: (error: unknown, job: QueuedJob) => void;
  /** pg-boss's own trouble (maintenance, a lost connection): for the log. */
  onQueueError?: (error: unknown) => void;
}

export interface PgBossQueue extends JobQueue {
  /**
   * Stops taking jobs; lets running ones finish for `graceMs`, then interrupts them (their signal
   * aborts: Terraform is interrupted and releases its locks) and gives them back to the queue to
   * run elsewhere. Resolves when none runs here.
   */
  stop(graceMs: number): Promise<void>;
  /** Whether pg-boss can reach its tables: for readiness. */
  health(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** A job in this worker's hands. */
interface Running {
  id: string;
  data: BossJobData;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The scale-out job queue: jobs are kept in PostgreSQL by pg-boss and run by whichever worker
 * process fetches them first. What the embedded queue does in memory is done here in the
 * database, so it holds across workers:
 * - the webhook's delivery is recorded in the same transaction as the job (a redelivery adds none);
 * - a newer job of a key supersedes the older: each key has a generation, a queued older job is
 *   skipped when fetched, and a running one is cancelled (its signal aborts) by its worker, which
 *   checks the generations of what it runs every `pollMs`;
 * - one job per key runs at a time (the store lease `job:KEY`), so jobs of a key follow each other;
 * - every job a worker holds is renewed in job_runs; when a worker dies (SIGKILL, cut off) its
 *   rows expire and any worker hands the job back to pg-boss, which runs it again elsewhere
 *   (`resumed`: the reporter finds the check runs it had started).
 */
export async function pgBossQueue(options: PgBossQueueOptions): Promise<PgBossQueue> {
  const { database, store, retry } = options;
  const worker = options.worker ?? `worker-${randomUUID().slice(0, 8)}`;
  const pollMs = options.pollMs ?? 1000;
  const ttlMs = options.leaseTtlMs;
  const bossSchema = options.bossSchema ?? "pgboss";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(bossSchema)) throw new Error(`'${bossSchema}' is not a PostgreSQL schema name envbot uses (lower-case letters, digits and _)`);
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => database.query(text, values) },
    schema: bossSchema,
    // Maintenance (expiring and archiving jobs) runs in every process that starts work; pg-boss
    // lets one at a time do it.
    supervise: true,
    schedule: false,
  });
  // pg-boss emits its trouble as events; without a listener one would end the process.
  boss.on("error", (error: unknown) => options.onQueueError?.(error));
  await boss.start();
  await boss.createQueue(JOB_QUEUE, { name: JOB_QUEUE, policy: "standard" });

  const slots = terraformSlots(options.concurrency);
  const jobsAtOnce = options.jobsAtOnce ?? 2 * options.concurrency;
  const running = new Map<string, Running>();
  let runner: JobRunner | undefined;
  let stopping = false;
  let queued = 0;
  const timers: NodeJS.Timeout[] = [];
  let wake: (() => void) | undefined;
  // A job queued anywhere wakes idle workers at once (NOTIFY on commit); polling every `pollMs`
  // stays for what no notification announces (a retry's backoff ending, a lost notification).
  const channel = `${bossSchema}.jobs`;
  let nudged = false;
  let listener: { stop(): Promise<void> } | undefined;

  const send = async (query: Query, job: QueuedJob, generation: number) => {
    const data: BossJobData = { key: job.key, final: job.final === true, generation, payload: job.payload };
    const id = await boss.send(JOB_QUEUE, data as object, {
      db: { executeSql: (text: string, values: unknown[]) => query(text, values) },
      retryLimit: retry.limit,
      retryDelay: retry.delaySeconds,
      retryBackoff: true,
      expireInSeconds: options.expireInSeconds ?? 23 * 3600,
    });
    if (id === null) throw new Error(`pg-boss did not keep the job of ${job.key}: its queue ${JOB_QUEUE} is missing`);
  };

  /** The generations of `keys` now. */
  const generations = async (keys: string[]): Promise<Map<string, number>> => {
    if (keys.length === 0) return new Map();
    const { rows } = await database.query<{ key: string; generation: number }>("SELECT key, generation FROM job_generations WHERE key = ANY($1)", [keys]);
    return new Map(rows.map((row) => [row.key, row.generation]));
  };
  const superseded = (data: BossJobData, current: Map<string, number>) => !data.final && (current.get(data.key) ?? 0) > data.generation;

  /**
   * Completes or fails a job in pg-boss, if it is still this worker's: one whose job_runs row
   * another worker reaped (this one was cut off) belongs to its next attempt now, which may even
   * be running under the same id. Returns whether it was.
   */
  const settle = async (id: string, how: "complete" | "fail", data: object): Promise<boolean> => {
    // The job's work is done (and reported): losing that to a database restart would run it
    // again. Tried until the lease would have run out: by then another worker has taken it.
    const since = Date.now();
    for (;;) {
      try {
        return await settleOnce(id, how, data);
      } catch (error) {
        if (!isConnectionError(error) || Date.now() - since > ttlMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 1000)));
      }
    }
  };
  const settleOnce = (id: string, how: "complete" | "fail", data: object) =>
    database.transaction(async (query) => {
      const own = await query("DELETE FROM job_runs WHERE job_id = $1 AND worker = $2", [id, worker]);
      if (own.rowCount === 0) return false;
      const db = { executeSql: (text: string, values: unknown[]) => query(text, values) };
      if (how === "complete") await boss.complete(JOB_QUEUE, id, data, { db });
      else await boss.fail(JOB_QUEUE, id, data, { db });
      return true;
    });
  const skipped = { skipped: "superseded by a newer job of its key" };
  /**
   * A job whose worker is gone runs again at once on whichever worker is free: pg-boss's retry
   * backoff is for failures, and the job did not fail.
   */
  const runNow = (id: string) => database.query(`UPDATE ${bossSchema}.job SET start_after = now() WHERE name = $1 AND id = $2 AND state = 'retry'`, [JOB_QUEUE, id]);
  const handBack = async (id: string, why: string) => {
    await boss.fail(JOB_QUEUE, id, { error: why });
    await runNow(id);
  };

  /** Runs a job and settles it in pg-boss, which deletes its job_runs row. */
  const runJob = async (job: PgBoss.JobWithMetadata<BossJobData>, controller: AbortController): Promise<true> => {
    await runAndSettle(job, controller);
    return true;
  };
  const runAndSettle = async (job: PgBoss.JobWithMetadata<BossJobData>, controller: AbortController) => {
    const data = job.data;
    const signal = controller.signal;
    try {
      // Jobs of one key one after another, across workers: the one before (cancelled or not) ends first.
      // Superseded is asked once the lease is held: the job before it may be the one that
      // superseded it. A superseded job's signal also aborts its wait (tend checks).
      const ran = await withLease(store, { key: `job:${data.key}`, holder: `${worker} job ${job.id}`, signal, maxWaitMs: Number.POSITIVE_INFINITY, ttlMs, pollMs: Math.min(pollMs, 500) }, async () => {
        if (superseded(data, await generations([data.key]))) return false;
        await runner!(data.payload, { signal, resumed: job.retryCount > 0, mayRetry: (error) => retry.isRetryable(error) && job.retryCount < retry.limit });
        return true;
      });
      // It ran to its end (even if its signal aborted after its last report): done.
      await settle(job.id, "complete", ran ? {} : skipped);
    } catch (error) {
      if (error instanceof EnvironmentBusyError && signal.aborted) {
        // Aborted while waiting for the job before it: superseded, or handed on.
        if (signal.reason instanceof JobHandedOnError) {
          if (await settle(job.id, "fail", { error: (signal.reason as Error).message })) await runNow(job.id);
        }
        else await settle(job.id, "complete", skipped);
        return;
      }
      const again = error instanceof JobHandedOnError || (retry.isRetryable(error) && job.retryCount < retry.limit);
      if (again) {
        // pg-boss runs it again after its backoff, on whichever worker fetches it.
        if ((await settle(job.id, "fail", { error: (error as Error).message })) && error instanceof JobHandedOnError) await runNow(job.id);
        return;
      }
      // Reported where the job came from (the runner does); for pg-boss the job is done.
      options.onError(error, { key: data.key, final: data.final, payload: data.payload });
      await settle(job.id, "complete", { error: (error as Error).message });
    }
  };

  const take = async () => {
    const free = jobsAtOnce - running.size;
    if (!runner || stopping || free <= 0) return;
    const jobs = await boss.fetch<BossJobData>(JOB_QUEUE, { batchSize: free, includeMetadata: true });
    if (jobs.length === 0) return 0;
    // The batch's rows in one statement: held by this worker from now on.
    await database
      .query(
        `INSERT INTO job_runs (job_id, key, worker, started_at, expires_at)
           SELECT id, key, $3, clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond' FROM unnest($1::uuid[], $2::text[]) AS batch (id, key)
           ON CONFLICT (job_id) DO UPDATE SET worker = EXCLUDED.worker, expires_at = EXCLUDED.expires_at`,
        [jobs.map((job) => job.id), jobs.map((job) => job.data.key), worker, ttlMs],
      )
      .catch(() => undefined);
    for (const job of jobs) {
      const controller = new AbortController();
      const entry: Running = { id: job.id, data: job.data, controller, done: Promise.resolve() };
      entry.done = runJob(job, controller)
        .then(
          (settled) => settled,
          (error: unknown) => {
            options.onError(error, { key: job.data.key, payload: job.data.payload });
            return false;
          },
        )
        .then(async (settled) => {
          running.delete(job.id);
          // Settling deleted the row; otherwise only this worker's row goes: a job reaped from it
          // may run elsewhere under the same id.
          if (!settled) await database.query("DELETE FROM job_runs WHERE job_id = $1 AND worker = $2", [job.id, worker]).catch(() => undefined);
          wake?.();
        });
      running.set(job.id, entry);
    }
    return jobs.length;
  };

  const loop = async () => {
    while (!stopping) {
      const taken = await take().catch(() => 0);
      if (stopping) break;
      // Full, or nothing to take: wait for a slot, a job queued, or the next poll.
      if (nudged && running.size < jobsAtOnce) {
        nudged = false;
        continue;
      }
      if (!taken || running.size >= jobsAtOnce) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };

  let lastRenewal = Date.now();
  /** Renews what this worker holds, cancels what was superseded, and gives back the jobs of dead workers. */
  const tend = async () => {
    if (running.size === 0) lastRenewal = Date.now();
    const ids = [...running.keys()];
    if (ids.length > 0) {
      const renewed = await database
        // This worker's rows only: a job reaped from it may already run elsewhere under the same id.
        .query<{ job_id: string }>(
          "UPDATE job_runs SET expires_at = clock_timestamp() + $2 * interval '1 millisecond' WHERE job_id = ANY($1::uuid[]) AND worker = $3 RETURNING job_id",
          [ids, ttlMs, worker],
        )
        .catch((error: unknown) => {
          // Cut off for as long as a lease lasts: another worker may run these jobs by now.
          if (Date.now() - lastRenewal > ttlMs) for (const entry of running.values()) entry.controller.abort(new JobHandedOnError("cut off from the database for longer than a lease: another worker runs it"));
          throw error;
        });
      lastRenewal = Date.now();
      // A row gone was given back to pg-boss while this worker could not renew it (cut off from
      // the database for longer than the lease): it runs elsewhere now, so it stops here.
      // Only the jobs asked about: one taken since then has a row the update did not look for.
      const kept = new Set(renewed.rows.map((row) => row.job_id));
      for (const id of ids) if (!kept.has(id)) running.get(id)?.controller.abort(new JobHandedOnError("taken over by another worker"));
      const current = await generations([...new Set([...running.values()].map((r) => r.data.key))]);
      for (const entry of running.values()) if (superseded(entry.data, current)) entry.controller.abort(new Error("superseded by a newer job"));
    }
    // A worker that stopped renewing is gone: its jobs run again elsewhere (pg-boss's retry).
    const { rows } = await database.query<{ job_id: string }>("DELETE FROM job_runs WHERE expires_at < clock_timestamp() RETURNING job_id");
    for (const row of rows) await handBack(row.job_id, "the worker running it stopped (its lease expired)");
    // Fetched by a worker that died before it recorded the job: active, held by nobody.
    const { rows: orphans } = await database.query<{ id: string }>(
      `SELECT j.id FROM ${bossSchema}.job j WHERE j.name = $1 AND j.state = 'active' AND j.started_on < now() - $2 * interval '1 millisecond'
         AND NOT EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = j.id)`,
      [JOB_QUEUE, 2 * ttlMs],
    );
    for (const orphan of orphans) await handBack(orphan.id, "the worker that fetched it stopped before it started");
    queued = await boss.getQueueSize(JOB_QUEUE);
  };

  return {
    async enqueue(job, enqueueOptions = {}) {
      return database.transaction(async (query) => {
        if (enqueueOptions.delivery !== undefined) {
          const recorded = await query("INSERT INTO deliveries (id, received_at) VALUES ($1, clock_timestamp()) ON CONFLICT DO NOTHING", [enqueueOptions.delivery]);
          if (recorded.rowCount === 0) return false;
        }
        // A final job is never superseded, and supersedes nothing: the jobs before it still run.
        const { rows } = job.final
          ? await query<{ generation: number }>("SELECT coalesce((SELECT generation FROM job_generations WHERE key = $1), 0) AS generation", [job.key])
          : await query<{ generation: number }>(
              "INSERT INTO job_generations (key, generation) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET generation = job_generations.generation + 1 RETURNING generation",
              [job.key],
            );
        await send(query, job, rows[0]!.generation);
        await query("SELECT pg_notify($1, '')", [channel]);
        return true;
      });
    },

    async start(run) {
      runner = run;
      listener = await database.listen(channel, () => {
        nudged = true;
        wake?.();
      });
      timers.push(setInterval(() => void tend().catch(() => undefined), Math.max(Math.min(pollMs, ttlMs / 4), 50)));
      void loop();
    },

    exclusive(key, work) {
      return slots.exclusive(key, work);
    },

    async idle() {
      for (;;) {
        const waiting = await boss.getQueueSize(JOB_QUEUE, { before: "completed" }).catch(() => 1);
        if (waiting === 0 && running.size === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },

    depth() {
      return { queued, running: running.size };
    },

    async stop(graceMs) {
      stopping = true;
      wake?.();
      const all = () => Promise.all([...running.values()].map((entry) => entry.done));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<"grace over">((resolve) => (timer = setTimeout(() => resolve("grace over"), graceMs)));
      if ((await Promise.race([all(), graceOver])) === "grace over") {
        for (const entry of running.values()) entry.controller.abort(new WorkerStoppingError(`worker ${worker} is stopping`));
        await all();
      }
      clearTimeout(timer);
      for (const t of timers) clearInterval(t);
      await listener?.stop();
      await boss.stop({ graceful: false, close: false, wait: true, timeout: 1000 }).catch(() => undefined);
    },

    async health() {
      try {
        // Also what depth() reports on a server, which takes no jobs and so never tends them.
        queued = await boss.getQueueSize(JOB_QUEUE);
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: `the job queue (pg-boss) cannot be read: ${(error as Error).message}` };
      }
    },
  };
}
