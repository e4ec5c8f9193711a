import { execFile, spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { eventually } from "./eventually.js";
import { projectRoot } from "./fixtures.js";

const run = promisify(execFile);
const BIN = path.join(projectRoot, "bin", "envbot.js");

/** A fresh home and data directory, with the quick start's sandbox applied by the real command. */
export interface AppliedSandbox {
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** `envbot apply sandbox --repo environments-template --yes`, as the quick start runs it, into a fresh ENVBOT_DATA_DIR. */
export async function applySandbox(user = "tester"): Promise<AppliedSandbox> {
  const home = await mkdtemp(path.join(tmpdir(), "envbot-ui-"));
  const env = { PATH: process.env.PATH, HOME: home, USER: user, ENVBOT_DATA_DIR: path.join(home, "data") };
  await run(process.execPath, [BIN, "apply", "sandbox", "--repo", "environments-template", "--yes"], { cwd: projectRoot, env });
  return { home, env, cleanup: () => rm(home, { recursive: true, force: true }) };
}

export interface UiProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** The address it printed, with its token. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** The checkout as the dashboard names it. */
  shownAs: string;
  output(): string;
  /** Ctrl-C, then its exit code. */
  interrupt(): Promise<number | null>;
}

/** `node bin/envbot.js ui ...` as a process, once it printed its address. */
export async function startUi(env: NodeJS.ProcessEnv, args: string[] = ["--repo", "environments-template"]): Promise<UiProcess> {
  const child = spawn(process.execPath, [BIN, "ui", ...args], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await eventually("envbot ui prints its address", () => /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(output) || child.exitCode !== null, 60_000);
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output)?.[0];
  if (!url) throw new Error(`envbot ui did not start:\n${output}`);
  const { origin, port } = new URL(url);
  const shownAs = /shown as (local\/[^)\s]+)\)/.exec(output)?.[1] ?? "";
  return {
    child,
    url,
    origin,
    port: Number(port),
    shownAs,
    output: () => output,
    interrupt: async () => {
      if (child.exitCode === null) child.kill("SIGINT");
      return exited;
    },
  };
}
