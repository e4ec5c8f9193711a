import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { diskYamlValueCache, MAX_YAML_CACHE_FILES } from "../../../src/adapters/yaml-cache/disk-yaml-value-cache.js";
import { parseYamlFile, useYamlValueCache } from "../../../src/core/yaml/index.js";

// The command line keeps the values of YAML files that parsed cleanly: a value comes back only
// for its own text, exactly as the parser made it, and a cache that cannot be used changes nothing.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-yaml-values-"));
});
afterEach(async () => {
  useYamlValueCache(undefined);
  await rm(dir, { recursive: true, force: true });
});

const parse = (text: string) => parseYamlFile({ file: "x.yaml", bytes: new TextEncoder().encode(text), expected: "a test file" });

test("a value is kept and read back for its own text, a fresh copy each time", async () => {
  const cache = diskYamlValueCache(dir);
  const text = "a: 1\nb: [x, {c: true}]\n";
  cache.set(text, { a: 1, b: ["x", { c: true }] });
  const first = cache.get(text)!;
  expect(first).toEqual({ a: 1, b: ["x", { c: true }] });
  (first.b as unknown[]).push("changed by a caller");
  expect(cache.get(text)).toEqual({ a: 1, b: ["x", { c: true }] });
  expect(cache.get("a: 1\n")).toBeUndefined();
  expect((await readdir(dir)).filter((name) => name.endsWith(".json"))).toHaveLength(1);
});

test("a file that holds another text, or no value at all, is a miss", async () => {
  const cache = diskYamlValueCache(dir);
  const text = "a: 1\n";
  cache.set(text, { a: 1 });
  const [name] = await readdir(dir);
  await writeFile(path.join(dir, name!), JSON.stringify({ text: "a: 2\n", value: { a: 2 } }));
  expect(cache.get(text)).toBeUndefined();
  await writeFile(path.join(dir, name!), "{ not json");
  expect(cache.get(text)).toBeUndefined();
  await writeFile(path.join(dir, name!), JSON.stringify({ text, value: [1, 2] }));
  expect(cache.get(text)).toBeUndefined();
});

test("a cache directory that cannot be written is only a miss", async () => {
  const blocked = path.join(dir, "a-file");
  await writeFile(blocked, "");
  const cache = diskYamlValueCache(path.join(blocked, "yaml"));
  expect(() => cache.set("a: 1\n", { a: 1 })).not.toThrow();
  expect(cache.get("a: 1\n")).toBeUndefined();
});

test(`at most ${MAX_YAML_CACHE_FILES} files are kept: the least recently written go`, async () => {
  const old = new Date("2026-01-01T00:00:00Z");
  for (let i = 0; i < MAX_YAML_CACHE_FILES + 3; i++) {
    const stale = path.join(dir, `stale-${String(i).padStart(5, "0")}.json`);
    await writeFile(stale, "{}");
    await utimes(stale, old, new Date(old.getTime() + i * 1000));
  }
  diskYamlValueCache(dir).set("a: 1\n", { a: 1 });
  const names = await readdir(dir);
  expect(names).toHaveLength(MAX_YAML_CACHE_FILES);
  expect(names).not.toContain("stale-00000.json");
  expect(names).toContain(`stale-${String(MAX_YAML_CACHE_FILES + 2).padStart(5, "0")}.json`);
  expect(diskYamlValueCache(dir).get("a: 1\n")).toEqual({ a: 1 });
});

test("the parser keeps only values JSON holds exactly, and a kept one parses to the same value", () => {
  const kept = new Map<string, Record<string, unknown>>();
  useYamlValueCache({ get: (text) => kept.get(text), set: (text, value) => kept.set(text, value) });
  for (const text of ["a: .inf\n", "a: .nan\n", "a: -0\n", "__proto__: {polluted: true}\n"]) {
    expect(parse(text)).toMatchObject({ ok: true });
    expect(kept.has(text)).toBe(false);
  }
  const text = "name: demo\ncount: 3\nratio: 0.5\nitems: [a, null, false]\n";
  const fresh = parse(text);
  expect(kept.get(text)).toEqual({ name: "demo", count: 3, ratio: 0.5, items: ["a", null, false] });
  const again = parse(text);
  expect(again.ok && again.value).toEqual(fresh.ok && fresh.value);
  // Positions still come from the text when a message needs one.
  expect(again.ok && again.locator.locate(["items", 2])).toEqual({ line: 4, column: 18 });
  expect(again.ok && again.locator.locate(["count"], "key")).toEqual({ line: 2, column: 1 });
  expect(again.ok && again.locator.locate(["missing", "deeper"])).toEqual(fresh.ok && fresh.locator.locate(["missing", "deeper"]));
});
