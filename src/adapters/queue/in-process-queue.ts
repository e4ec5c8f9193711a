import type { JobQueue, QueuedJob } from "../../core/ports.js";

/**
 * The embedded job queue: jobs run in this process, at most `concurrency` at a time. A job whose
 * key is already queued replaces the queued one; if it is running, the running one is cancelled
 * (its signal aborts) and the new one runs after it. `exclusive` serializes work per key across
 * all jobs (one Terraform operation per environment).
 */
export function inProcessQueue(options: { concurrency: number; onError: (error: unknown, job: QueuedJob) => void }): JobQueue {
  const waiting: QueuedJob[] = [];
  const running = new Map<string, AbortController>();
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
    while (active < options.concurrency) {
      // A job whose key is still running waits: the cancelled run must finish first.
      const index = waiting.findIndex((job) => !running.has(job.key));
      if (index === -1) break;
      const [job] = waiting.splice(index, 1);
      const controller = new AbortController();
      running.set(job!.key, controller);
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
      const queued = waiting.findIndex((j) => j.key === job.key);
      if (queued !== -1) waiting.splice(queued, 1);
      running.get(job.key)?.abort(new Error("superseded by a newer job"));
      waiting.push(job);
      pump();
    },

    exclusive(key, work) {
      const previous = exclusiveTails.get(key) ?? Promise.resolve();
      const result = previous.catch(() => undefined).then(work);
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
