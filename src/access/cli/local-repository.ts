import { realpath, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ENVIRONMENTS_DIR } from "../../core/environment/index.js";
import { recordedRepository } from "../../core/repository/index.js";
import type { Store } from "../../core/ports/index.js";
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

/** GitHub's own rules for an owner and a repository name. */
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/**
 * The repository a CLI command acts for: the checkout's own identity, or with `--github
 * OWNER/NAME` the environments the App records for that GitHub repository (an operator on the
 * App's data directory, finishing or undoing what the App did). The checkout still supplies the
 * definitions and templates.
 */
export async function commandRepository(input: { repoDir: string; shownAs: string; github?: string }): Promise<string> {
  const checkout = await localRepository(input.repoDir, input.shownAs);
  if (input.github === undefined) return checkout;
  return parseGitHubRepository(input.github, "--github");
}

/**
 * The repository a command acts for, as the records spell it: `--github Octo-Org/Alpha` finds
 * (and plans under the state of) the `octo-org/alpha` the App recorded. A checkout's path, or a
 * repository with no records yet, stays as written.
 */
export async function commandRecordsRepository(store: Pick<Store, "listEnvironments">, repository: string): Promise<string> {
  if (path.isAbsolute(repository)) return repository;
  return (await recordedRepository(store, repository)) ?? repository;
}

/** OWNER/NAME of a GitHub repository, or a usage error naming where it came from (an option, a context). */
export function parseGitHubRepository(text: string, from: string): string {
  if (!GITHUB_REPOSITORY.test(text) || text.split("/")[1]!.startsWith(".")) throw new UsageError(`${from} takes OWNER/NAME of a GitHub repository, not '${text}'`);
  return text;
}

/** A local repository as people read it: under the home directory as ~/... */
export function displayRepository(repository: string, home = os.homedir()): string {
  return home && (repository === home || repository.startsWith(home + path.sep)) ? `~${repository.slice(home.length)}` : repository;
}
