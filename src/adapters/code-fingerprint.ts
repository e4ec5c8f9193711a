import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { codeFile } from "./package-paths.js";

/**
 * What decides an output envbot caches on disk: the version of the library that makes it and the
 * source of envbot's module that drives the library (`relativeModule`, its path under src/:
 * compiled .js, or .ts when run from source in tests). Either changing invalidates the cache.
 */
export async function codeFingerprint(relativeModule: string, library: string): Promise<string> {
  const manifest = createRequire(import.meta.url).resolve(`${library}/package.json`);
  const version = (JSON.parse(await readFile(manifest, "utf8")) as { version: string }).version;
  const source = await readFile(codeFile(relativeModule));
  return `${library}@${version}:${createHash("sha256").update(source).digest("hex")}`;
}
