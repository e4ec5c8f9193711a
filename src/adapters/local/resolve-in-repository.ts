import { realpath, stat } from "node:fs/promises";
import path from "node:path";

/** Where a path on disk leads, judged by its real path (every symbolic link followed). */
export type RepositoryPath =
  | { kind: "file"; real: string; relative: string }
  | { kind: "not-a-file"; relative: string }
  | { kind: "outside" }
  | { kind: "missing" };

/**
 * Resolves `target` (absolute) against the repository at `root`. Only `stat` is used, never
 * `open`: a pipe or a device is recognised without blocking on it or reading from it, and
 * nothing outside the repository is ever opened. `relative` uses "/" and is the real location
 * in the repository.
 */
export async function resolveInRepository(root: string, target: string): Promise<RepositoryPath> {
  let base: string;
  let real: string;
  try {
    base = await realpath(root);
    real = await realpath(target);
  } catch {
    return { kind: "missing" };
  }
  if (real !== base && !real.startsWith(base + path.sep)) return { kind: "outside" };
  const relative = path.relative(base, real).split(path.sep).join("/");
  try {
    return (await stat(real)).isFile() ? { kind: "file", real, relative } : { kind: "not-a-file", relative };
  } catch {
    return { kind: "missing" };
  }
}
