import { inProcessQueue } from "../../../src/adapters/queue/in-process-queue.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("the in-process job queue", () => {
  test("runs at most `concurrency` Terraform operations at once, and at most jobsAtOnce jobs", async () => {
    const queue = inProcessQueue({ concurrency: 2, jobsAtOnce: 4, onError: () => undefined });
    let [jobs, jobPeak, operations, operationPeak] = [0, 0, 0, 0];
    for (let i = 0; i < 8; i++) {
      queue.enqueue({
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
    const queue = inProcessQueue({ concurrency: 1, onError: () => undefined });
    const done: string[] = [];
    const environments = (job: string, names: string[]) => ({
      key: job,
      run: async () => {
        for (const name of names) await queue.exclusive(name, async () => void (await tick(), done.push(name)));
      },
    });
    queue.enqueue(environments("pr#1", ["a1", "a2", "a3", "a4", "a5"]));
    queue.enqueue(environments("pr#2", ["b1"]));
    await queue.idle();
    expect(done.indexOf("b1")).toBeLessThanOrEqual(1);
  });

  test("a newer job with the same key cancels the running one and runs after it", async () => {
    const queue = inProcessQueue({ concurrency: 2, onError: () => undefined });
    const events: string[] = [];
    queue.enqueue({
      key: "pr#1",
      run: async (signal) => {
        events.push("first started");
        while (!signal.aborted) await tick();
        events.push("first cancelled");
      },
    });
    await tick();
    queue.enqueue({ key: "pr#1", run: async () => void events.push("second ran") });
    await queue.idle();
    expect(events).toEqual(["first started", "first cancelled", "second ran"]);
  });

  test("of several queued jobs with one key only the newest runs", async () => {
    const queue = inProcessQueue({ concurrency: 1, jobsAtOnce: 1, onError: () => undefined });
    const ran: string[] = [];
    queue.enqueue({ key: "blocker", run: async () => void (await tick()) });
    for (const n of [1, 2, 3]) queue.enqueue({ key: "pr#7", run: async () => void ran.push(`push ${n}`) });
    await queue.idle();
    expect(ran).toEqual(["push 3"]);
  });

  test("exclusive work on one key runs one at a time, other keys in parallel", async () => {
    const queue = inProcessQueue({ concurrency: 4, onError: () => undefined });
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
    const queue = inProcessQueue({ concurrency: 1, jobsAtOnce: 1, onError: (error) => errors.push(error) });
    let ran = false;
    queue.enqueue({ key: "a", run: async () => { throw new Error("boom"); } });
    queue.enqueue({ key: "b", run: async () => void (ran = true) });
    await queue.idle();
    expect(errors).toEqual([new Error("boom")]);
    expect(ran).toBe(true);
  });
});

describe("final jobs (the apply of a merge)", () => {
  test("a later job of the same key neither cancels nor replaces a final job; it runs after it", async () => {
    const queue = inProcessQueue({ concurrency: 1, onError: () => undefined });
    const events: string[] = [];
    queue.enqueue({
      key: "pr#1",
      final: true,
      run: async (signal) => {
        events.push("apply started");
        await tick();
        await tick();
        events.push(signal.aborted ? "apply cancelled" : "apply finished");
      },
    });
    await tick();
    queue.enqueue({ key: "pr#1", run: async () => void events.push("plan ran") });
    await queue.idle();
    expect(events).toEqual(["apply started", "apply finished", "plan ran"]);
  });
});
