#!/usr/bin/env node
// The envbot command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare script),
// and the command line's code bundled into dist/cli/envbot.cjs (scripts/build.js): one file to
// load instead of hundreds, each command's part run only when it runs, its compiled code kept in
// the cache directory after a command's first run (adapters/code-cache/load-with-code-cache.ts).
import { readFileSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
// `envbot --version` answers before any of envbot is loaded: it is what scripts call most.
if (argv.length === 1 && ["version", "-v", "--version"].includes(argv[0])) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
  process.exit(0);
}

// Node 22.1 and later keep V8's compiled code of the packages loaded after this on disk (in the
// system's temporary directory); the bundle has a cache of its own, which works on Node 20 too.
module.enableCompileCache?.();
let bundle;
try {
  const [{ loadWithCodeCache }, { cacheDir }] = await Promise.all([import("../dist/adapters/code-cache/load-with-code-cache.js"), import("../dist/adapters/cache-dir.js")]);
  bundle = loadWithCodeCache(fileURLToPath(new URL("../dist/cli/envbot.cjs", import.meta.url)), {
    cacheDir: path.join(cacheDir(process.env, process.cwd()), "code"),
    variant: argv[0] ?? "help",
  });
  const { runEnvbotCli, wantsColor } = bundle.exports;
  process.exitCode = await runEnvbotCli(argv, {
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
  if (["server", "worker"].includes(process.argv[2] ?? "")) process.exit();
  bundle.keepCompiledCode();
} catch (error) {
  // Unexpected: one line for the user, the stack only when asked for.
  process.stderr.write(`envbot: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.ENVBOT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ""}\n`);
  process.exitCode = 70;
}
