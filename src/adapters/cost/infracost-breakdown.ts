import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Redact } from "../../core/secrets/redactor.js";
import { TerraformCancelledError } from "../../core/terraform/index.js";
import { formatMs } from "../terraform/run-terraform-command.js";
import { parseInfracostOutput, type InfracostBreakdown } from "./parse-infracost-output.js";

export interface InfracostRun {
  /** The binary locateInfracost found. */
  binary: string;
  /** The environment's working directory: the plan JSON is written there for Infracost to read. */
  workDir: string;
  /** The server's environment; only what Infracost needs is passed on (infracostChildEnv). */
  serverEnv: NodeJS.ProcessEnv;
  timeoutMs: number;
  redact: Redact;
  signal?: AbortSignal;
}

export type InfracostOutcome = { ok: true; breakdown: InfracostBreakdown } | { ok: false; reason: string };

/** Infracost's JSON of a large plan is a few MiB; more is not a breakdown worth reading. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
/** A reason is stored with every plan's summary and shown in its comment: one line, this long at most. */
const REASON_MAX_CHARS = 240;

/**
 * Prices a plan with `infracost breakdown --path FILE --format json` (argument array, no shell).
 * `planJson` is `terraform show -json` of the saved plan as the runner read it; redacted with the
 * run's secrets, it is written to a file of its own in the working directory (Infracost reads a path)
 * and removed afterwards. A failure is an outcome with its reason, never an error: the plan
 * goes on with envbot's own estimate. Only a cancelled run is thrown, as Terraform's would be.
 */
export async function infracostBreakdown(planJson: string, options: InfracostRun): Promise<InfracostOutcome> {
  const file = path.join(options.workDir, `infracost-plan-${randomUUID()}.json`);
  try {
    // Infracost sends resource attributes to its pricing API: the secrets envbot knows never go with them.
    await writeFile(file, options.redact(planJson), { mode: 0o600, flag: "wx" });
    const run = await runInfracost(options, ["breakdown", "--path", file, "--format", "json", "--no-color"]);
    if (!run.ok) return { ok: false, reason: reasonOf(options.redact(run.reason)) };
    const parsed = parseInfracostOutput(run.stdout);
    return parsed.ok ? parsed : { ok: false, reason: reasonOf(parsed.reason) };
  } finally {
    await rm(file, { force: true });
  }
}

/** The environment Infracost runs with: its own settings (INFRACOST_API_KEY, ...), PATH, HOME, proxies; never cloud credentials. */
export function infracostChildEnv(serverEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(serverEnv)) {
    if (value !== undefined && (PASSED_NAMES.has(name) || name.startsWith("INFRACOST_"))) env[name] = value;
  }
  // Each plan would otherwise ask GitHub for a newer release.
  return { INFRACOST_SKIP_UPDATE_CHECK: "true", ...env };
}

const PASSED_NAMES: ReadonlySet<string> = new Set([
  "PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "SSL_CERT_FILE", "SSL_CERT_DIR",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
]);

type RunResult = { ok: true; stdout: string } | { ok: false; reason: string };

function runInfracost(options: InfracostRun, args: string[]): Promise<RunResult> {
  const { binary, workDir, serverEnv, timeoutMs, signal } = options;
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd: workDir, env: infracostChildEnv(serverEnv), timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, signal, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout });
      const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number | null };
      if (signal?.aborted) return reject(new TerraformCancelledError("the run was cancelled while Infracost priced the plan"));
      if (failure.code === "ENOENT") return resolve({ ok: false, reason: `cannot run ${binary}: it is no longer there` });
      if (failure.code === "EACCES") return resolve({ ok: false, reason: `cannot run ${binary}: not executable` });
      if (failure.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return resolve({ ok: false, reason: `its output is larger than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB` });
      if (failure.killed) return resolve({ ok: false, reason: `it took longer than ${formatMs(timeoutMs)} and was stopped (ENVBOT_INFRACOST_TIMEOUT)` });
      const status = typeof failure.code === "number" ? `it exited with status ${failure.code}` : `it ended with ${failure.code ?? error.message}`;
      resolve({ ok: false, reason: errorLine(stderr) ?? errorLine(stdout) ?? status });
    });
  });
}

/**
 * The line of Infracost's output that says what went wrong: the first that names an error (it
 * logs progress before), else the first; without its "Error:" and colours.
 */
function errorLine(output: string): string | undefined {
  const lines = output.split("\n").map((line) => line.replace(/\u001b\[[0-9;]*m/g, "").trim()).filter((line) => line !== "");
  const line = lines.find((l) => /\berror\b/i.test(l)) ?? lines[0];
  return line?.replace(/^(level=)?(error|fatal)[:=]?\s*/i, "");
}

function reasonOf(detail: string): string {
  const reason = `infracost failed: ${detail}`;
  return reason.length > REASON_MAX_CHARS ? `${reason.slice(0, REASON_MAX_CHARS - 1)}…` : reason;
}
