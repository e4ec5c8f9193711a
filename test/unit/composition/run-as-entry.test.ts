import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isEntry } from "../../../src/composition/run-as-entry.js";

describe("isEntry: whether node was asked to run this module", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "envbot-entry-"));
    await writeFile(path.join(dir, "main.js"), "");
    await symlink(dir, path.join(dir, "current"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("the module's own path, and a path through a symlinked folder (a release linked as 'current', a linked dist)", () => {
    const moduleUrl = pathToFileURL(path.join(dir, "main.js")).href;
    expect(isEntry(moduleUrl, path.join(dir, "main.js"))).toBe(true);
    expect(isEntry(moduleUrl, path.join(dir, "current", "main.js"))).toBe(true);
  });

  test("another script, or none (node -e), is not this module", () => {
    const moduleUrl = pathToFileURL(path.join(dir, "main.js")).href;
    expect(isEntry(moduleUrl, path.join(dir, "other.js"))).toBe(false);
    expect(isEntry(moduleUrl, undefined)).toBe(false);
  });
});
