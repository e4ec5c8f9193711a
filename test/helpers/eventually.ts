/**
 * Polls `check` until it holds, for a condition no event announces (a process's output, a row
 * another process writes). The deadline is generous on purpose: a loaded machine is slow, not
 * wrong, and the test's own timeout is the real bound. Throws saying what was awaited.
 */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`still waiting after ${timeoutMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

// Checks such as "is a worker running terraform" read all of /proc: often enough, not more.
const POLL_INTERVAL_MS = 100;
