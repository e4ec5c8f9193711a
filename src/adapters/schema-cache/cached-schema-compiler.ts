import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import type { SchemaCompiler } from "../../core/validation/index.js";
import { writeCacheFile } from "../cache-files.js";
import { codeFingerprint } from "../code-fingerprint.js";
import { packageRoot } from "../package-paths.js";

/** Bumped when the shape of a cached module changes. */
const CACHE_FORMAT = 2;

/**
 * A SchemaCompiler that keeps what ajv compiled as standalone code in `dir`, keyed by a hash of
 * the schemas, ajv's version and envbot's ajv options. A command line run then checks a template
 * it saw before without loading ajv's compiler or compiling (a cold ajv spends ~100 ms on even a
 * small schema). What the cache cannot do (a directory it cannot write, a schema standalone code
 * cannot express) falls back to compiling in this process.
 */
export function cachedSchemaCompiler(dir: string): SchemaCompiler {
  return async (schemas) => {
    const names = Object.keys(schemas);
    const file = path.join(dir, `${createHash("sha256").update(JSON.stringify({ schemas, compiler: await compilerVersion() })).digest("hex")}.cjs`);
    const cached = loadCached(file, names);
    if (cached) return cached;

    const { createAjv } = await import("../../core/validation/create-ajv.js");
    const ajv = createAjv({ code: { source: true } });
    // Compiled here first: a schema that does not compile rejects with ajv's own error.
    const validators = Object.fromEntries(names.map((name) => [name, ajv.compile(schemas[name]!)]));
    await store(file, ajv, names.map((name) => validators[name]!)).catch(() => undefined);
    return validators;
  };
}

let compilerVersionCache: Promise<string> | undefined;
/**
 * What else decides the compiled code: ajv's version, envbot's ajv options (create-ajv's source)
 * and where envbot is installed (a cached module resolves ajv's runtime helpers from there).
 */
function compilerVersion(): Promise<string> {
  compilerVersionCache ??= codeFingerprint("core/validation/create-ajv", "ajv").then((code) => JSON.stringify([CACHE_FORMAT, code, packageRoot()]));
  return compilerVersionCache;
}

/**
 * CommonJS, loaded with require: the command line's bundle runs from V8's code cache, where
 * Node offers no dynamic import (load-with-code-cache.ts).
 */
function loadCached(file: string, names: string[]): Record<string, ValidateFunction> | undefined {
  try {
    const module = createRequire(import.meta.url)(file) as { validators?: ValidateFunction[] };
    if (!Array.isArray(module.validators) || module.validators.length !== names.length) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, module.validators![i]!]));
  } catch {
    return undefined;
  }
}

/**
 * One CommonJS module exporting `validators` in the given order, each in a scope of its own (ajv's
 * standalone code for two functions declares the same helpers); written whole or not at all.
 */
async function store(file: string, ajv: Ajv2020, validators: ValidateFunction[]): Promise<void> {
  const standalone = await import("ajv/dist/standalone/index.js");
  // CommonJS: module.exports is the function, and its `default` too.
  const generate = standalone.default.default;
  const scopes = validators.map((validate, i) => {
    const code = generate(ajv, validate);
    const entry = /module\.exports = ([A-Za-z0-9_$]+);/.exec(code)?.[1];
    if (!entry) throw new Error("unexpected standalone code");
    const body = code.replace(/^"use strict";/, "").replace(`module.exports = ${entry};`, "").replace(`module.exports.default = ${entry};`, "");
    // The helpers ajv's code requires resolve from envbot's installation (the cache lives elsewhere).
    return `const v${i} = ((require) => {\n${body}\nreturn ${entry};\n})(envbotRequire);`;
  });
  const module = [
    "// envbot: a template's schemas compiled by ajv (cached-schema-compiler.ts); safe to delete.",
    '"use strict";',
    `const envbotRequire = require("node:module").createRequire(${JSON.stringify(import.meta.url)});`,
    ...scopes,
    `module.exports = { validators: [${validators.map((_, i) => `v${i}`).join(", ")}] };`,
    "",
  ].join("\n");
  writeCacheFile(file, module);
}
