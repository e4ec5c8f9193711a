/**
 * The Terraform operations of one process: one at a time per key (environment) and at most
 * `concurrency` in all, granted first come, first served, so a job with many environments queues
 * each behind the others already waiting and cannot starve them. Across processes the
 * environment's lease in the store is the guard; this keeps one process within its cores.
 */
export function terraformSlots(concurrency: number) {
  const slots = fifoSemaphore(concurrency);
  const exclusiveTails = new Map<string, Promise<unknown>>();
  return {
    exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = exclusiveTails.get(key) ?? Promise.resolve();
      const result = previous.catch(() => undefined).then(() => slots.run(work));
      const tail = result.catch(() => undefined);
      exclusiveTails.set(key, tail);
      void tail.then(() => {
        if (exclusiveTails.get(key) === tail) exclusiveTails.delete(key);
      });
      return result;
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
