import { constants } from "node:fs";
import { open, readdir } from "node:fs/promises";
import path from "node:path";
import type { ExplainsUnreadable } from "../../core/repository/index.js";
import type { RepoFile, RepoFiles } from "../../core/ports/index.js";
import { resolveInRepository, type RepositoryPath } from "./resolve-in-repository.js";

/**
 * A repository in a directory on disk. Every path is resolved inside the root, symbolic links
 * included: a path or link that leads out of the repository reads as missing, and
 * `whyUnreadable` says so (a cloned repository may hold a link to /proc/self/environ).
 */
export function localRepoFiles(root: string): RepoFiles & ExplainsUnreadable {
  async function locate(relative: string): Promise<RepositoryPath> {
    if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes("..")) return { kind: "outside" };
    return resolveInRepository(root, path.join(root, relative));
  }

  return {
    async readFile(relative, maxBytes) {
      const located = await locate(relative);
      return located.kind === "file" ? readLimited(located.real, maxBytes) : undefined;
    },
    async listDirectory(relative) {
      const located = await locate(relative);
      if (located.kind !== "not-a-file") return undefined;
      try {
        return await readdir(path.join(root, located.relative));
      } catch {
        return undefined;
      }
    },
    async whyUnreadable(relative) {
      const { kind } = await locate(relative);
      return kind === "file" ? "unopenable" : kind;
    },
  };
}

/**
 * Reads a regular file unless it is larger than `maxBytes`; then only its size is returned.
 * Anything else (a pipe, a device, a folder) reads as missing. O_NONBLOCK keeps open() from
 * waiting for a writer on a pipe; O_NOFOLLOW refuses a link swapped in after it was resolved.
 */
export async function readLimited(file: string, maxBytes: number): Promise<RepoFile | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    if (stats.size > maxBytes) return { size: stats.size, bytes: new Uint8Array() };
    // Read at most one byte past the limit: a file can grow after stat, and some (in /proc)
    // report a size of 0 whatever they hold. The buffer starts at the size stat gave and grows
    // only for such files: a template read with an 8 MiB allowance must not allocate 8 MiB per file.
    const limit = maxBytes + 1;
    let buffer = new Uint8Array(Math.min(limit, Math.max(stats.size + 1, 4096)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length === limit) return { size: length, bytes: new Uint8Array() };
        const grown = new Uint8Array(Math.min(limit, buffer.length * 2));
        grown.set(buffer);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { size: length, bytes: buffer.slice(0, length) };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
