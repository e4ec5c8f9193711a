import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes a cache file whole or not at all (a temporary file renamed over it), readable only by
 * its owner, making its directory when missing. Synchronous: the caches that use it are asked
 * from synchronous code at a command's start or end.
 */
export function writeCacheFile(file: string, data: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Keeps at most `keep` files ending in `suffix` in `dir`: the least recently written go first. */
export function pruneOldestCacheFiles(dir: string, suffix: string, keep: number): void {
  const names = readdirSync(dir).filter((name) => name.endsWith(suffix));
  if (names.length <= keep) return;
  const files = names.map((name) => ({ name, written: statSync(path.join(dir, name)).mtimeMs })).sort((a, b) => a.written - b.written);
  for (const { name } of files.slice(0, files.length - keep)) rmSync(path.join(dir, name), { force: true });
}
