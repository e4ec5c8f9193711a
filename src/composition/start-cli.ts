import path from "node:path";
import { isatty } from "node:tty";
import { pathToFileURL } from "node:url";
import { cacheDir } from "../adapters/cache-dir.js";
import { loadWithCodeCache } from "../adapters/code-cache/load-with-code-cache.js";
import type * as MainCli from "./main-cli.js";

/**
 * The envbot process, as bin/envbot.js starts it: the command line's bundle (dist/cli/envbot.cjs)
 * loaded through V8's code cache, given the process's streams and questions. Built into
 * dist/cli/start.cjs (scripts/build.js): CommonJS like bin, so a command's start needs no ES module
 * loader. `distDir` is the package's dist/.
 */
export async function startCli(argv: string[], distDir: string): Promise<void> {
  let bundle: ReturnType<typeof loadWithCodeCache<typeof MainCli>> | undefined;
  try {
    bundle = loadWithCodeCache<typeof MainCli>(path.join(distDir, "cli", "envbot.cjs"), {
      cacheDir: path.join(cacheDir(process.env, process.cwd()), "code"),
      variant: argv[0] ?? "help",
    });
    const { runEnvbotCli, wantsColor, keepParsedYaml } = bundle.exports;
    keepParsedYaml(process.env, process.cwd());
    process.exitCode = await runEnvbotCli(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      cwd: process.cwd(),
      env: process.env,
      now: () => new Date(),
      // isatty rather than process.stdin.isTTY: reading that property opens a stream on stdin.
      interactive: isatty(0) && isatty(2),
      color: wantsColor(Boolean(process.stdout.isTTY), process.env),
      // The scale-out roles start from their own entry files (ES modules), loaded only for them.
      serve: async (role) => ((await import(pathToFileURL(path.join(distDir, "composition", `main-${role}.js`)).href)) as { start(): Promise<void> }).start(),
      ask: async (question) => {
        const { createInterface } = await import("node:readline/promises");
        const prompt = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return await prompt.question(question);
        } finally {
          prompt.close();
        }
      },
      // A token typed at the question is not echoed: readline writes to a stream that drops it.
      askSecret: async (question) => {
        const [{ createInterface }, { Writable }] = await Promise.all([import("node:readline/promises"), import("node:stream")]);
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
    if (["server", "worker"].includes(argv[0] ?? "")) process.exit();
    bundle.keepCompiledCode();
  } catch (error) {
    // Unexpected: one line for the user, the stack only when asked for.
    process.stderr.write(`envbot: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.ENVBOT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ""}\n`);
    process.exitCode = 70;
  }
}
