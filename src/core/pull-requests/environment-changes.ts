import { baseName, ENVIRONMENTS_DIR } from "../environment/index.js";
import type { ChangedFile } from "../ports.js";

/** A definition file a pull request touches, and what merging does to its environment. */
export interface DefinitionChange {
  /** The environment's name (the file's base name). */
  environment: string;
  file: string;
  effect: "apply" | "destroy";
}

const DEFINITION = new RegExp(`^${ENVIRONMENTS_DIR}/[^/]+\\.ya?ml$`);

/**
 * The definitions a pull request adds, changes or removes. A rename removes the old environment
 * and adds the new one. Other files (templates, docs) are not environments.
 */
export function environmentChanges(files: readonly ChangedFile[]): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  for (const file of files) {
    if (file.status === "renamed" && file.previousPath && DEFINITION.test(file.previousPath)) {
      changes.push({ environment: baseName(file.previousPath), file: file.previousPath, effect: "destroy" });
    }
    if (!DEFINITION.test(file.path) || file.status === "unchanged") continue;
    changes.push({ environment: baseName(file.path), file: file.path, effect: file.status === "removed" ? "destroy" : "apply" });
  }
  return changes.sort((a, b) => a.environment.localeCompare(b.environment) || a.effect.localeCompare(b.effect));
}

/** The lock holder name of a pull request. */
export function pullRequestHolder(number: number): string {
  return `pr#${number}`;
}
