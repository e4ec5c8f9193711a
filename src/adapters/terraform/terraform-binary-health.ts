import { execFile } from "node:child_process";

/** How long a readiness answer about the binary is reused: `terraform version` costs a process. */
const CACHE_MS = 60_000;

/**
 * Whether the configured terraform (or tofu) binary runs: part of the readiness of a process
 * that runs Terraform. Checked at most once a minute; the answer names the binary, never more.
 */
export function terraformBinaryHealth(binary: string, options: { cacheMs?: number; now?: () => number } = {}): () => Promise<{ ok: true } | { ok: false; reason: string }> {
  const { cacheMs = CACHE_MS, now = Date.now } = options;
  let last: { at: number; result: Promise<{ ok: true } | { ok: false; reason: string }> } | undefined;
  return () => {
    if (last && now() - last.at < cacheMs) return last.result;
    const result = new Promise<{ ok: true } | { ok: false; reason: string }>((resolve) => {
      execFile(binary, ["version"], { timeout: 10_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (error) =>
        resolve(error ? { ok: false, reason: `the Terraform binary '${binary}' does not run (${(error as NodeJS.ErrnoException).code ?? error.message.split("\n")[0]})` } : { ok: true }),
      );
    });
    last = { at: now(), result };
    return result;
  };
}
