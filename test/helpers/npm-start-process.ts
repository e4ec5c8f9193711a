import { spawn } from "node:child_process";
import { eventually } from "./eventually.js";

export interface NpmStartProcess {
  /** The address it listens on, from its start line. */
  url: string;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** Stops npm, the shell and node together (their own process group), and waits for them. */
  stop(): Promise<void>;
}

/**
 * Runs a shell command that starts the App as a user would (`npm start`) in a process group of its
 * own, and waits until it says where it listens; one that exits first fails with its output.
 */
export async function startNpmProcess(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<NpmStartProcess> {
  const child = spawn("bash", ["-c", command], { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // gone already
    }
    await exited;
  };
  try {
    await eventually(`${command} listening`, () => /envbot listening on http:\/\//.test(output) || child.exitCode !== null, 90_000);
    const url = /envbot listening on (http:\/\/[^"\s]+)/.exec(output)?.[1];
    if (!url) throw new Error(`${command} did not listen (exit ${child.exitCode}):\n${output}`);
    return { url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
