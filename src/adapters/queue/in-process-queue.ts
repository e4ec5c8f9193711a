import type { JobQueue, QueuedJob } from "../../core/ports.js";

/**
 * Jobs (one per pull request event) at once. They spend their time waiting for GitHub and for a
 * Terraform slot, so many may run; Terraform operations are what `concurrency` bounds.
 */
export const JOBS_AT_ONCE = 32;

/**
 * The embedded job queue: jobs run in this process. A job whose key is already queued replaces
 * the queued one; if it is running, the running one is cancelled (its signal aborts) and the new
 * one runs after it. A `final` job is neither replaced nor cancelled: later ones wait for it. `exclusive` runs one Terraform operation per key (environment) at a time,
 * and at most `concurrency` in all, granted first come, first served: a job runs its operations
 * one after another, so a pull request with many environments queues each behind the others
 * already waiting and cannot starve them.
 */
export function inProcessQueue(options: { concurrency: number; onError: (error: unknown, job: QueuedJob) => void; jobsAtOnce?: number }): JobQueue {
  const jobsAtOnce = options.jobsAtOnce ?? JOBS_AT_ONCE;
  const slots = fifoSemaphore(options.concurrency);
  const waiting: QueuedJob[] = [];
  const running = new Map<string, { controller: AbortController; final: boolean }>();
  const exclusiveTails = new Map<string, Promise<unknown>>();
  let active = 0;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (active === 0 && waiting.length === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const pump = () => {
    while (active < jobsAtOnce) {
      // A job whose key is still running waits: the cancelled run must finish first.
      const index = waiting.findIndex((job) => !running.has(job.key));
      if (index === -1) break;
      const [job] = waiting.splice(index, 1);
      const controller = new AbortController();
      running.set(job!.key, { controller, final: job!.final === true });
      active++;
      job!
        .run(controller.signal)
        .catch((error: unknown) => options.onError(error, job!))
        .finally(() => {
          running.delete(job!.key);
          active--;
          pump();
          settleIdle();
        });
    }
  };

  return {
    enqueue(job) {
      const queued = waiting.findIndex((j) => j.key === job.key && !j.final);
      if (queued !== -1) waiting.splice(queued, 1);
      const current = running.get(job.key);
      if (current && !current.final) current.controller.abort(new Error("superseded by a newer job"));
      waiting.push(job);
      pump();
    },

    exclusive(key, work) {
      const previous = exclusiveTails.get(key) ?? Promise.resolve();
      const result = previous.catch(() => undefined).then(() => slots.run(work));
      const tail = result.catch(() => undefined);
      exclusiveTails.set(key, tail);
      void tail.then(() => {
        if (exclusiveTails.get(key) === tail) exclusiveTails.delete(key);
      });
      return result;
    },

    idle() {
      if (active === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

/** At most `size` works at once; the others start in the order they asked. */
function fifoSemaphore(size: number) {
  let free = size;
  const waiters: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiters.push(resolve));
      try {
        return await work();
      } finally {
        const next = waiters.shift();
        if (next) next();
        else free++;
      }
    },
  };
}
