import { baseName } from "../environment/index.js";
import { isDefinitionFile, listDefinitionFiles } from "../repository/index.js";
import type { ChangedFile, LockHolder, RepoFiles } from "../ports/index.js";

/** A definition file a pull request touches, and what merging does to its environment. */
export interface DefinitionChange {
  /** The environment's name (the file's base name). */
  environment: string;
  file: string;
  effect: "apply" | "destroy";
}

/**
 * The definition files a pull request adds, changes or removes, file by file. A rename removes
 * the old file and adds the new one. Other files (templates, docs) are not environments.
 * Use resolveEnvironmentChanges to know what merging does to each environment.
 */
export function environmentChanges(files: readonly ChangedFile[]): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  for (const file of files) {
    if (file.status === "renamed" && file.previousPath && isDefinitionFile(file.previousPath)) {
      changes.push({ environment: baseName(file.previousPath), file: file.previousPath, effect: "destroy" });
    }
    if (!isDefinitionFile(file.path) || file.status === "unchanged") continue;
    changes.push({ environment: baseName(file.path), file: file.path, effect: file.status === "removed" ? "destroy" : "apply" });
  }
  return changes.sort((a, b) => a.environment.localeCompare(b.environment) || a.effect.localeCompare(b.effect) || a.file.localeCompare(b.file));
}

/**
 * What a pull request does to each environment, one change per environment, judged at `at` (the
 * head when planning, the merge commit when applying). A removed file whose environment is still
 * defined there (hij.yml deleted while hij.yaml stays, or renamed hij.yml -> hij.yaml) is no
 * destroy: the environment lives on from the remaining file, so that is applied instead.
 */
export async function resolveEnvironmentChanges(files: readonly ChangedFile[], at: RepoFiles): Promise<DefinitionChange[]> {
  const changes = environmentChanges(files);
  // Listing costs a request on GitHub: only a removal needs it.
  const remaining = changes.some((c) => c.effect === "destroy") ? await listDefinitionFiles(at) : new Map<string, string[]>();
  const byName = new Map<string, DefinitionChange>();
  for (const change of changes) {
    const still = change.effect === "destroy" ? remaining.get(change.environment)?.[0] : undefined;
    const resolved: DefinitionChange = still === undefined ? change : { environment: change.environment, file: still, effect: "apply" };
    const seen = byName.get(resolved.environment);
    // Two files of one name (both removed, or one added beside another): one change for the
    // environment; an apply wins, and validation reports the second file.
    if (!seen || (seen.effect === "destroy" && resolved.effect === "apply")) byName.set(resolved.environment, resolved);
  }
  return [...byName.values()];
}

/** A pull request as the holder of environment locks. */
export function pullRequestHolder(number: number): LockHolder {
  return { kind: "pull-request", number };
}
