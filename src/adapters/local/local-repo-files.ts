import { open, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import type { RepoFile, RepoFiles } from "../../core/ports.js";

/**
 * A repository in a directory on disk. Every path is resolved inside the root, symbolic links
 * included: a path or link that leads out of the repository reads as missing.
 */
export function localRepoFiles(root: string): RepoFiles {
  const rootReal = realpath(root);

  async function inside(relative: string): Promise<string | undefined> {
    if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes("..")) return undefined;
    try {
      const base = await rootReal;
      const resolved = await realpath(path.join(base, relative));
      return resolved === base || resolved.startsWith(base + path.sep) ? resolved : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    async readFile(relative, maxBytes) {
      const file = await inside(relative);
      return file === undefined ? undefined : readLimited(file, maxBytes);
    },
    async listDirectory(relative) {
      const dir = await inside(relative);
      if (dir === undefined) return undefined;
      try {
        return await readdir(dir);
      } catch {
        return undefined;
      }
    },
  };
}

/** Reads a file unless it is larger than `maxBytes`; then only its size is returned. */
export async function readLimited(file: string, maxBytes: number): Promise<RepoFile | undefined> {
  let handle;
  try {
    handle = await open(file, "r");
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    const { size } = stats;
    return { size, bytes: size > maxBytes ? new Uint8Array() : await handle.readFile() };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
