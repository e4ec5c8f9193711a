import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { MAX_CODE_CACHE_FILES } from "../../../src/adapters/code-cache/load-with-code-cache.js";
import { projectRoot } from "../../helpers/fixtures.js";

// bin/envbot.js loads the command line's bundle through this: it must behave exactly as the file
// would under require, whatever the cache directory holds or allows. Each load runs in a process
// of its own, as each command does: inside one process V8 answers a second compile of the same
// source from memory, whatever the cache file holds.

const SOURCE = [
  '"use strict";',
  'const path = require("node:path");',
  "exports.greet = (name) => `hello ${name}`;",
  "exports.sum = (values) => values.reduce((a, b) => a + b, 0);",
  "exports.dir = path.basename(__dirname);",
].join("\n");

let root: string;
let file: string;
let cacheDir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "envbot-code-cache-"));
  file = path.join(root, "bundle.cjs");
  cacheDir = path.join(root, "cache", "code");
  await writeFile(file, SOURCE);
});
afterEach(() => rm(root, { recursive: true, force: true }));

interface Loaded {
  cache: "used" | "rejected" | "none";
  greeting: string;
  sum: number;
  dir: string;
}

/** Loads `file` in a new process, calls its exports, then keeps the compiled code. */
async function load(options: { cacheDir: string | undefined; variant: string }): Promise<Loaded> {
  const script = `
    import { loadWithCodeCache } from ${JSON.stringify(path.join(projectRoot, "src/adapters/code-cache/load-with-code-cache.ts"))};
    const loaded = loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(options)});
    const { greet, sum, dir } = loaded.exports;
    const result = { cache: loaded.cache, greeting: greet("envbot"), sum: sum([1, 2, 3]), dir };
    loaded.keepCompiledCode();
    process.stdout.write(JSON.stringify(result));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: projectRoot });
  return JSON.parse(stdout) as Loaded;
}

function works(loaded: Loaded): void {
  expect(loaded).toMatchObject({ greeting: "hello envbot", sum: 6, dir: path.basename(root) });
}

test("the first run compiles and keeps the code; the next takes it from the cache and behaves the same", async () => {
  const first = await load({ cacheDir, variant: "validate" });
  expect(first.cache).toBe("none");
  works(first);
  const kept = await readdir(cacheDir);
  expect(kept).toEqual([expect.stringMatching(/^[0-9a-f]{32}-validate\.bin$/)]);

  const second = await load({ cacheDir, variant: "validate" });
  expect(second.cache).toBe("used");
  works(second);
  expect(await readdir(cacheDir)).toEqual(kept);
});

test("a cache file V8 refuses is replaced; a changed source of the same length never gets the old code", async () => {
  await load({ cacheDir, variant: "plan" });
  const [name] = await readdir(cacheDir);
  await writeFile(path.join(cacheDir, name!), "not V8's code cache at all");
  const refused = await load({ cacheDir, variant: "plan" });
  expect(refused.cache).toBe("rejected");
  works(refused);
  expect((await load({ cacheDir, variant: "plan" })).cache).toBe("used");

  // V8's own check of a cache compares the source's length: the file name must tell sources apart.
  const changed = SOURCE.replace("hello", "howdy");
  expect(changed).toHaveLength(SOURCE.length);
  await writeFile(file, changed);
  const other = await load({ cacheDir, variant: "plan" });
  expect(other).toMatchObject({ cache: "none", greeting: "howdy envbot" });
});

test("a source that is not ASCII is read as UTF-8", async () => {
  await writeFile(file, SOURCE.replace("hello", "h\u00e9llo \u2502"));
  expect(await load({ cacheDir, variant: "validate" })).toMatchObject({ cache: "none", greeting: "h\u00e9llo \u2502 envbot" });
  expect(await load({ cacheDir, variant: "validate" })).toMatchObject({ cache: "used", greeting: "h\u00e9llo \u2502 envbot" });
});

test("each command has its own file, and a name that is not a plain word cannot leave the directory", async () => {
  await load({ cacheDir, variant: "validate" });
  await load({ cacheDir, variant: "../../escape" });
  const names = (await readdir(cacheDir)).map((name) => name.replace(/^[0-9a-f]{32}-/, "")).sort();
  expect(names).toEqual(["other.bin", "validate.bin"]);
  expect((await readdir(path.join(root, "cache"))).sort()).toEqual(["code"]);
});

test("no cache directory, or one that cannot be written, only costs the compile", async () => {
  works(await load({ cacheDir: undefined, variant: "validate" }));
  const blocked = path.join(root, "a-file");
  await writeFile(blocked, "");
  works(await load({ cacheDir: path.join(blocked, "code"), variant: "validate" }));
  expect(await readFile(blocked, "utf8")).toBe("");
});

test(`at most ${MAX_CODE_CACHE_FILES} files are kept: the least recently written go`, async () => {
  await load({ cacheDir, variant: "first" });
  const old = new Date("2026-01-01T00:00:00Z");
  for (let i = 0; i < MAX_CODE_CACHE_FILES + 5; i++) {
    const stale = path.join(cacheDir, `${"0".repeat(32)}-stale${i}.bin`);
    await writeFile(stale, "");
    await utimes(stale, old, new Date(old.getTime() + i * 1000));
  }
  await load({ cacheDir, variant: "latest" });
  const names = await readdir(cacheDir);
  expect(names).toHaveLength(MAX_CODE_CACHE_FILES);
  expect(names.filter((name) => /-(first|latest)\.bin$/.test(name))).toHaveLength(2);
  // The oldest stale ones went, the newest stayed.
  expect(names).not.toContain(`${"0".repeat(32)}-stale0.bin`);
  expect(names).toContain(`${"0".repeat(32)}-stale${MAX_CODE_CACHE_FILES + 4}.bin`);
});
