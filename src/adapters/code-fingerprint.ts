import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What decides an output envbot caches on disk: the version of the library that makes it and the
 * source of envbot's module that drives the library (`relativeModule`, resolved from `fromUrl`;
 * compiled .js, or .ts when run from source in tests). Either changing invalidates the cache.
 */
export async function codeFingerprint(fromUrl: string, relativeModule: string, library: string): Promise<string> {
  const manifest = createRequire(fromUrl).resolve(`${library}/package.json`);
  const version = (JSON.parse(await readFile(manifest, "utf8")) as { version: string }).version;
  const extension = path.extname(fileURLToPath(fromUrl));
  const source = await readFile(fileURLToPath(new URL(`${relativeModule}${extension}`, fromUrl)));
  return `${library}@${version}:${createHash("sha256").update(source).digest("hex")}`;
}
