import { realpath, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ENVIRONMENTS_DIR } from "../../core/environment/index.js";
import { UsageError } from "./cli-io.js";

/**
 * A local checkout's identity: its absolute real path. Two checkouts (or two repositories) never
 * share an environment's records or state, and a link or a relative path names the same one.
 */
export async function localRepository(repoDir: string, shownAs: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(repoDir);
  } catch {
    throw new UsageError(`no such directory: ${shownAs}`);
  }
  const environments = await stat(path.join(real, ENVIRONMENTS_DIR)).catch(() => undefined);
  if (!environments?.isDirectory()) {
    throw new UsageError(`${shownAs} is not an environments repository: it has no ${ENVIRONMENTS_DIR}/ folder (choose one with --repo)`);
  }
  return real;
}

/** A local repository as people read it: under the home directory as ~/... */
export function displayRepository(repository: string, home = os.homedir()): string {
  return home && (repository === home || repository.startsWith(home + path.sep)) ? `~${repository.slice(home.length)}` : repository;
}
