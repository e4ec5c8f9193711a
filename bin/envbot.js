#!/usr/bin/env node
// The envbot command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare script),
// and the command line bundled into dist/cli/ (scripts/build.js): start.cjs runs the process,
// envbot.cjs holds the commands, loaded through V8's code cache so that after a command's first
// run its start compiles nothing (src/adapters/code-cache/load-with-code-cache.ts). CommonJS, as
// bin/package.json says: a command's start loads no ES module.
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

const argv = process.argv.slice(2);
// `envbot --version` answers before any of envbot is loaded: it is what scripts call most.
if (argv.length === 1 && ["version", "-v", "--version"].includes(argv[0])) {
  process.stdout.write(`${JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).version}\n`);
  process.exit(0);
}

// Node 22.1 and later keep V8's compiled code of the packages loaded after this on disk (in the
// system's temporary directory); the bundle has a cache of its own, which works on Node 20 too.
require("node:module").enableCompileCache?.();
require("../dist/cli/start.cjs").startCli(argv, path.join(__dirname, "..", "dist"));
