import type { JobQueue, JobRunner, JobStore, QueuedJob } from "../../core/ports/index.js";
import { terraformSlots } from "./terraform-slots.js";

/**
 * Jobs (one per pull request event) at once. They spend their time waiting for GitHub and for a
 * Terraform slot, so many may run; Terraform operations are what `concurrency` bounds.
 */
export const JOBS_AT_ONCE = 32;

/** A job in this process's hands: `id` is its row in the store, when there is one. */
interface Entry {
  id?: number;
  key: string;
  final: boolean;
  payload: unknown;
  resumed: boolean;
}

/**
 * The embedded job queue: jobs run in this process, and with a `store` (as the App always has)
 * each is kept there from before the webhook is acknowledged until it is done, so a crash or a
 * restart loses none: `start` runs first what a previous process left. A job whose key is already
 * queued replaces the queued one; if it is running, the running one is cancelled (its signal
 * aborts) and the new one runs after it. A `final` job is neither replaced nor cancelled: later
 * ones wait for it. `exclusive` is terraformSlots': one Terraform operation per environment, at
 * most `concurrency` in all.
 */
export function inProcessQueue(options: { concurrency: number; onError: (error: unknown, job: QueuedJob) => void; jobsAtOnce?: number; store?: JobStore }): JobQueue {
  const { store } = options;
  const jobsAtOnce = options.jobsAtOnce ?? JOBS_AT_ONCE;
  const slots = terraformSlots(options.concurrency);
  const waiting: Entry[] = [];
  const running = new Map<string, { controller: AbortController; final: boolean }>();
  let runner: JobRunner | undefined;
  let active = 0;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (active === 0 && waiting.length === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const runEntry = async (entry: Entry, signal: AbortSignal) => {
    try {
      if (store && entry.id !== undefined) await store.markJobStarted(entry.id);
      await runner!(entry.payload, { signal, resumed: entry.resumed });
    } finally {
      // Done, failed or cancelled alike: a failure was reported by the runner; it is not retried.
      if (store && entry.id !== undefined) await store.removeJob(entry.id);
    }
  };

  const pump = () => {
    if (!runner) return;
    while (active < jobsAtOnce) {
      // A job whose key is still running waits: the cancelled run must finish first.
      const index = waiting.findIndex((job) => !running.has(job.key));
      if (index === -1) break;
      const [entry] = waiting.splice(index, 1) as [Entry];
      const controller = new AbortController();
      running.set(entry.key, { controller, final: entry.final });
      active++;
      runEntry(entry, controller.signal)
        .catch((error: unknown) => options.onError(error, { key: entry.key, final: entry.final, payload: entry.payload }))
        .finally(() => {
          running.delete(entry.key);
          active--;
          pump();
          settleIdle();
        });
    }
  };

  const add = (entry: Entry) => {
    if (!entry.final) {
      // What the store dropped in addJob: the queued jobs this one supersedes.
      for (let i = waiting.length - 1; i >= 0; i--) if (waiting[i]!.key === entry.key && !waiting[i]!.final) waiting.splice(i, 1);
      const current = running.get(entry.key);
      if (current && !current.final) current.controller.abort(new Error("superseded by a newer job"));
    }
    waiting.push(entry);
  };

  return {
    async enqueue(job, enqueueOptions = {}) {
      const final = job.final === true;
      let id: number | undefined;
      if (store) {
        const kept = await store.addJob({ key: job.key, final, payload: JSON.stringify(job.payload), delivery: enqueueOptions.delivery });
        if (!kept.added) return false;
        id = kept.id;
      }
      add({ id, key: job.key, final, payload: job.payload, resumed: false });
      pump();
      return true;
    },

    async start(run) {
      runner = run;
      if (store) {
        const stored = await store.listJobs();
        // Of the jobs a previous process left, a newer one of a key supersedes the older, as it would have then.
        const newest = new Map<string, number>();
        for (const job of stored) if (!job.final) newest.set(job.key, job.id);
        for (const job of stored) {
          if (waiting.some((entry) => entry.id === job.id)) continue;
          if (!job.final && newest.get(job.key) !== job.id) {
            await store.removeJob(job.id);
            continue;
          }
          let payload: unknown;
          try {
            payload = JSON.parse(job.payload);
          } catch (error) {
            await store.removeJob(job.id);
            options.onError(error, { key: job.key, final: job.final, payload: job.payload });
            continue;
          }
          add({ id: job.id, key: job.key, final: job.final, payload, resumed: job.startedAt !== undefined });
        }
      }
      pump();
    },

    exclusive(key, work) {
      return slots.exclusive(key, work);
    },

    idle() {
      if (active === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    depth() {
      return { queued: waiting.length, running: active };
    },
  };
}
