import { runEnvbotCli } from "../../src/composition/main-cli.js";
import { NOW } from "./fixtures.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the envbot command in-process, as a user at `cwd` would (through its composition root, as bin/envbot.js does). */
export async function runEnvbot(
  argv: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; answers?: string[]; now?: Date; /** Sees stderr as it is written (a test acting on a progress line). */ onStderr?: (text: string) => void; /** Sees stdout as it is written. */ onStdout?: (text: string) => void },
): Promise<CliResult & { questions: string[] }> {
  const answers = [...(options.answers ?? [])];
  const questions: string[] = [];
  let stdout = "";
  let stderr = "";
  const code = await runEnvbotCli(argv, {
    stdout: (text) => {
      stdout += text;
      options.onStdout?.(text);
    },
    stderr: (text) => {
      stderr += text;
      options.onStderr?.(text);
    },
    cwd: options.cwd,
    env: options.env ?? {},
    now: () => options.now ?? NOW,
    // A terminal exactly when the test scripts answers to questions.
    interactive: options.answers !== undefined,
    ask: async (question) => {
      questions.push(question);
      return answers.shift() ?? "";
    },
  });
  return { code, stdout, stderr, questions };
}
