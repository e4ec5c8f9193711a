import { stat } from "node:fs/promises";
import path from "node:path";
import { CONFIG_PATH } from "../../core/config/repository-config.js";
import { ENVIRONMENTS_DIR } from "../../core/environment/index.js";
import { TEMPLATES_DIR } from "../../core/template/template.js";

/** The environments repository a command reads, and how its messages name it. */
export interface RepositoryDirectory {
  repoDir: string;
  shownAs: string;
}

/**
 * The environments repository of a command: --repo DIR as given; else the current directory when
 * it has an environments/ folder (as before); else the nearest folder from it up that holds
 * .github/envbot.yml, or environments/ and templates/. So a command typed in environments/ or in
 * a template's folder finds its repository, as git finds its own. With none, the current
 * directory, which the command then says is no environments repository.
 */
export async function repositoryDirectory(cwd: string, repo: string | undefined): Promise<RepositoryDirectory> {
  const here = path.resolve(cwd);
  if (repo !== undefined) return { repoDir: path.resolve(here, repo), shownAs: repo };
  const found = (await isDirectory(path.join(here, ENVIRONMENTS_DIR))) ? here : await nearestRepositoryRoot(here);
  return found === undefined || found === here ? { repoDir: here, shownAs: "the current directory" } : { repoDir: found, shownAs: found };
}

async function nearestRepositoryRoot(dir: string): Promise<string | undefined> {
  for (;;) {
    if (await isRepositoryRoot(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function isRepositoryRoot(dir: string): Promise<boolean> {
  if ((await stat(path.join(dir, CONFIG_PATH)).catch(() => undefined))?.isFile()) return true;
  return (await isDirectory(path.join(dir, ENVIRONMENTS_DIR))) && (await isDirectory(path.join(dir, TEMPLATES_DIR)));
}

async function isDirectory(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => undefined))?.isDirectory() === true;
}
