import { spawn } from "node:child_process";
import { lineByLineRedactor, type Redact } from "../../core/secrets/redactor.js";
import { TerraformCancelledError, TerraformKilledError, TerraformNotFoundError, TerraformTimeoutError } from "../../core/terraform/index.js";

export interface TerraformCommand {
  binary: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** After an interrupt, how long Terraform may take to release its lock before it is killed. */
  killGraceMs: number;
  redact: Redact;
  signal?: AbortSignal;
  onOutput?: (line: string) => void;
}

export interface TerraformCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Output kept in memory per stream; `show -json` of a large plan is the biggest we read. */
const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;
/** After Terraform exits, how long its children (providers, provisioners) may hold its output open. */
const STREAM_DRAIN_MS = 1000;

/**
 * Runs one terraform command (argument array, no shell) and streams its output line by line,
 * redacted. On timeout or cancellation it interrupts Terraform first (so it can release the
 * state lock), then kills it after the grace period. Terraform runs in a process group of its
 * own, so the interrupt reaches its providers and provisioners as a Ctrl-C would, and the kill
 * leaves none of them behind.
 */
export function runTerraformCommand(command: TerraformCommand): Promise<TerraformCommandResult> {
  const { binary, args, cwd, env, timeoutMs, killGraceMs, redact, signal, onOutput } = command;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TerraformCancelledError("the run was cancelled before it started"));
    const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal); // the group is gone already
      }
    };
    const out = capture(onOutput, redact);
    const err = capture(onOutput, redact);
    child.stdout.on("data", out.push);
    child.stderr.on("data", err.push);

    let stopped: "timeout" | "cancelled" | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: "timeout" | "cancelled") => {
      if (stopped) return;
      stopped = why;
      signalGroup("SIGINT");
      killTimer = setTimeout(() => signalGroup("SIGKILL"), killGraceMs);
    };
    const timer = setTimeout(() => stop("timeout"), timeoutMs);
    const onAbort = () => stop("cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });

    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(
        error.code === "ENOENT"
          ? new TerraformNotFoundError(`cannot run '${binary}': it is not installed or not on PATH (set TERRAFORM_BIN)`)
          : error,
      );
    });
    // "exit", not "close": a grandchild may keep the pipes open long after Terraform is gone.
    child.on("exit", (code, exitSignal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      signal?.removeEventListener("abort", onAbort);
      const finish = () => {
        child.stdout.destroy();
        child.stderr.destroy();
        out.flush();
        err.flush();
        const stderr = redact(err.text());
        if (stopped === "timeout") {
          return reject(new TerraformTimeoutError(`terraform ${args[0]} took longer than ${formatMs(timeoutMs)} and was stopped`, stderr));
        }
        if (stopped === "cancelled") return reject(new TerraformCancelledError(`terraform ${args[0]} was cancelled`, stderr));
        if (code === null && exitSignal) return reject(killedBy(args[0] ?? "", exitSignal, stderr));
        resolve({ code: code ?? 1, stdout: redact(out.text()), stderr });
      };
      if (child.stdout.closed && child.stderr.closed) return finish();
      const drain = setTimeout(finish, STREAM_DRAIN_MS);
      let open = 2;
      const closed = () => {
        if (--open === 0) {
          clearTimeout(drain);
          finish();
        }
      };
      child.stdout.once("close", closed);
      child.stderr.once("close", closed);
    });
  });
}

/** A signal envbot did not send ended Terraform: say which, and what it may have left. */
function killedBy(command: string, exitSignal: NodeJS.Signals, stderr: string): TerraformKilledError {
  const changes = command === "apply" || command === "destroy" ? "the state may be partly written; plan again to see where it stands" : "nothing was changed";
  return new TerraformKilledError(`terraform ${command} was killed by ${exitSignal}, not by envbot (the out-of-memory killer or an operator?); ${changes}`, stderr);
}

function capture(onOutput: ((line: string) => void) | undefined, redact: Redact) {
  const chunks: Buffer[] = [];
  let size = 0;
  let partial = "";
  const lines = lineByLineRedactor(redact);
  return {
    push: (chunk: Buffer) => {
      if (size < MAX_CAPTURE_BYTES) {
        chunks.push(chunk);
        size += chunk.length;
      }
      if (!onOutput) return;
      const complete = (partial + chunk.toString("utf8")).split("\n");
      partial = complete.pop() ?? "";
      for (const line of complete) for (const shown of lines.push(line)) onOutput(shown);
    },
    flush: () => {
      if (!onOutput) return;
      const rest = partial === "" ? [] : lines.push(partial);
      for (const shown of [...rest, ...lines.flush()]) onOutput(shown);
      partial = "";
    },
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
