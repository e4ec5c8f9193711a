import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port.js";

/** How long moto may take to answer HTTP after spawning (python start-up on a busy CI machine). */
const STARTUP_DEADLINE_MS = 20_000;
const POLL_INTERVAL_MS = 100;
/** How long stop() waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** Keep at most this much of moto's stderr for error messages. */
const STDERR_LIMIT = 16_384;

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Forgets every resource (moto's own reset): a test sharing the server starts from an empty cloud. */
  reset(): Promise<void>;
  /** Every request moto received since it started, when started with `record` (moto's recorder). */
  recording(): Promise<MotoRequest[]>;
  stop(): Promise<void>;
}

/** A request as moto's recorder kept it; the body decoded as text. */
export interface MotoRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Starts moto's standalone server (the AWS emulator) on a free loopback port and waits until it
 * answers HTTP. Throws when moto_server is not installed: integration tests must fail, not skip.
 */
export async function startMoto(options: { record?: boolean } = {}): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // The recorder writes to a file of moto's working directory: a scratch one, never the checkout.
  const cwd = await mkdtemp(path.join(tmpdir(), "envbot-moto-"));
  const env = { ...process.env, ...(options.record && { MOTO_ENABLE_RECORDING: "true", MOTO_RECORDER_FILEPATH: path.join(cwd, "recording.jsonl") }) };
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });

  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_LIMIT);
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  // Not events.once(): it rejects on "error", which would go unhandled when the binary is missing.
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || spawnError !== undefined) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    await rm(cwd, { recursive: true, force: true });
  };
  const recording = async (): Promise<MotoRequest[]> => {
    if (!options.record) throw new Error("moto was started without record: true");
    const answer = await fetch(`${endpoint}/moto-api/recorder/download-recording`);
    const text = await answer.text();
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const entry = JSON.parse(line) as { method: string; url: string; headers: Record<string, string>; body?: string | null; body_encoded?: boolean };
        const body = entry.body ? (entry.body_encoded ? Buffer.from(entry.body, "base64").toString("utf8") : entry.body) : "";
        return { method: entry.method, url: entry.url, headers: entry.headers, body };
      });
  };

  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  for (;;) {
    if (spawnError !== undefined) {
      const missing = (spawnError as NodeJS.ErrnoException).code === "ENOENT";
      throw new Error(missing ? "moto_server is not installed or not on PATH (pip install 'moto[server]')" : `cannot start moto_server: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited (${child.exitCode ?? child.signalCode}) before answering HTTP:\n${stderr}`);
    }
    const reset = async () => {
      const answer = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!answer.ok) throw new Error(`moto did not reset: ${answer.status}`);
    };
    if (await answersHttp(endpoint)) return { endpoint, port, reset, recording, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${STARTUP_DEADLINE_MS} ms:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

async function answersHttp(endpoint: string): Promise<boolean> {
  try {
    // Any HTTP status means the server is up; moto's own API path is cheap and needs no credentials.
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Environment for the AWS SDK and the Terraform aws provider: dummy credentials, no instance metadata lookups. */
export function awsTestEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    // Recent SDKs and the aws provider (>= 5.x with aws-sdk-go-v2) honour this as the default for every service.
    AWS_ENDPOINT_URL: endpoint,
    // The aws provider's Go runtime collects garbage less often: a third less CPU per Terraform
    // command for more memory (README, "Terraform's environment"); the suite runs on two cores.
    GOGC: "400",
  };
}

/**
 * The S3 API of moto as a person or script would use it behind Terraform's back (moto needs no
 * request signature): `s3("PUT", "bucket?tagging", xml)`. Throws on an error status.
 */
export function motoS3(endpoint: string) {
  return async (method: string, resource: string, body?: string): Promise<string> => {
    const response = await fetch(`${endpoint}/${resource}`, { method, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${resource}: ${response.status} ${text}`);
    return text;
  };
}
