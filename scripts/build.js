#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ (tsc), copies the dashboard's files beside their
// module, then bundles the command line: dist/composition/main-cli.js and everything it imports
// of envbot and of the pure-JavaScript libraries on its path become one CommonJS file,
// dist/cli/envbot.cjs, which dist/cli/start.cjs (composition/start-cli.ts, what bin/envbot.js
// runs) loads through V8's code cache (adapters/code-cache/load-with-code-cache.ts): Node reads
// one file instead of hundreds, and after a command's first run nothing of it is compiled again.
// Each command's modules run only when it does (esbuild keeps a dynamic import lazy). The server
// and workers run the unbundled dist/.
import { isAscii } from "node:buffer";
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

// Bundled: envbot's code and these libraries (@octokit/rest, setup's, is ES modules only, which
// Node 20 before 20.19 cannot require; better-sqlite3's JavaScript cost a command's start 7 ms to
// load as a package, and its addon is named to it: adapters/store/sqlite/kept-database.ts). Every
// other dependency stays a package Node loads (large ones a command loads only when it needs
// them, the server's).
const BUNDLED = new Set(["yaml", "ajv", "ajv-formats", "@octokit/rest", "better-sqlite3"]);
const { dependencies } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const external = Object.keys(dependencies).filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);

rmSync(path.join(dist, "cli"), { recursive: true, force: true });
const bundle = path.join(dist, "cli", "envbot.cjs");
await build({
  entryPoints: [path.join(dist, "composition", "main-cli.js")],
  outfile: bundle,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external,
  // A script run from V8's code cache has no dynamic import (Node ties it to the script it
  // compiled itself): every import() becomes a require, which CommonJS packages answer.
  supported: { "dynamic-import": false },
  // The modules that find envbot's files from their own place (package-paths.ts) read the bundle's.
  define: { "import.meta.url": "__envbotModuleUrl" },
  banner: { js: 'var __envbotModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
// What bin/envbot.js runs: the process around the bundle, CommonJS like bin (no ES module loader
// at a command's start). It keeps its dynamic imports: Node's require loads it, not V8's cache.
await build({
  entryPoints: [path.join(dist, "composition", "start-cli.js")],
  outfile: path.join(dist, "cli", "start.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external,
  logLevel: "warning",
});

// What would fail only when a command reaches it: an import() left in (see `supported` above).
const code = readFileSync(bundle);
if (!isAscii(code)) {
  // esbuild escapes what it can; a character it cannot (in String.raw) is the source's to escape.
  console.error(`${bundle} is not ASCII: write the non-ASCII character of the source as an escape (the loader decodes the bundle as Latin-1)`);
  process.exit(1);
}
if (/[^\w$.]import\(/.test(code.toString("latin1").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""'))) {
  console.error(`${bundle} holds a dynamic import(), which a script loaded from V8's code cache cannot run`);
  process.exit(1);
}
writeFileSync(path.join(dist, ".built"), "");
