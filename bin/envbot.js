#!/usr/bin/env node
// The envbot command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare script).
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { runEnvbotCli, wantsColor } from "../dist/composition/main-cli.js";

try {
  process.exitCode = await runEnvbotCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    color: wantsColor(Boolean(process.stdout.isTTY), process.env),
    // The scale-out roles start from their own entry files, loaded only for them.
    serve: async (role) => (await import(`../dist/composition/main-${role}.js`)).start(),
    ask: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
    // A token typed at the question is not echoed: readline writes to a stream that drops it.
    askSecret: async (question) => {
      process.stderr.write(question);
      const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
      const prompt = createInterface({ input: process.stdin, output: silent, terminal: true });
      try {
        return await prompt.question("");
      } finally {
        prompt.close();
        process.stderr.write("\n");
      }
    },
  });
  // `envbot server` and `envbot worker` return only when they could not start: whatever they had
  // opened must not keep the process running half started.
  if (["server", "worker"].includes(process.argv[2] ?? "")) process.exit();
} catch (error) {
  // Unexpected: one line for the user, the stack only when asked for.
  process.stderr.write(`envbot: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.ENVBOT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ""}\n`);
  process.exitCode = 70;
}
