#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ (tsc), copies the dashboard's files beside their
// module, then bundles the command line: dist/composition/main-cli.js and everything it imports
// of envbot and of the pure-JavaScript libraries on its path (yaml, ajv) become dist/cli/envbot.js
// and chunks beside it, each command's part a chunk of its own, loaded when it runs. Node resolves and reads a few files instead of hundreds: the start-up of every command.
// The server and workers run the unbundled dist/ (their start-up is not a person's wait).
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");

const tsc = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
cpSync(path.join(root, "src/access/web/static"), path.join(dist, "access/web/static"), { recursive: true });

// Bundled: envbot's code and these libraries. Every other dependency stays a package Node loads
// (native ones, large ones a command loads only when it needs them, the server's).
const BUNDLED = new Set(["yaml", "ajv", "ajv-formats"]);
const { dependencies } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const external = Object.keys(dependencies).filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);

rmSync(path.join(dist, "cli"), { recursive: true, force: true });
await build({
  entryPoints: { envbot: path.join(dist, "composition", "main-cli.js") },
  outdir: path.join(dist, "cli"),
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  // Bundled CommonJS (ajv, yaml) may require a package left outside: give the chunks a require.
  banner: { js: 'import { createRequire as __envbotCreateRequire } from "node:module"; const require = __envbotCreateRequire(import.meta.url);' },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
writeFileSync(path.join(dist, ".built"), "");
