import type { RepoFiles } from "../ports/index.js";
import { baseName, ENVIRONMENTS_DIR } from "../environment/environment.js";

/**
 * The one rule for which files are environment definitions, used by validation, pull requests,
 * the reconciler and the CLI alike: files directly under environments/ ending in one of these.
 * Both are accepted because people write either; a name defined by two files is an error.
 */
export const DEFINITION_EXTENSIONS = [".yaml", ".yml"] as const;

/** Whether a repository-relative path ("environments/x.yml") is an environment definition. */
export function isDefinitionFile(path: string): boolean {
  const prefix = `${ENVIRONMENTS_DIR}/`;
  if (!path.startsWith(prefix)) return false;
  const entry = path.slice(prefix.length);
  return !entry.includes("/") && DEFINITION_EXTENSIONS.some((ext) => entry.length > ext.length && entry.endsWith(ext));
}

/** Every definition file of a revision, by environment name (the file's base name), each list sorted. */
export async function listDefinitionFiles(files: RepoFiles): Promise<Map<string, string[]>> {
  const byName = new Map<string, string[]>();
  for (const entry of [...((await files.listDirectory(ENVIRONMENTS_DIR)) ?? [])].sort()) {
    const file = `${ENVIRONMENTS_DIR}/${entry}`;
    if (!isDefinitionFile(file)) continue;
    const name = baseName(file);
    byName.set(name, [...(byName.get(name) ?? []), file]);
  }
  return byName;
}

/** The definition files of one environment at a revision: none, one, or (an error) two. */
export async function findDefinitionFiles(files: RepoFiles, name: string): Promise<string[]> {
  return (await listDefinitionFiles(files)).get(name) ?? [];
}

/** The message of a name defined by more than one file; reported at each of them. */
export function definedTwiceMessage(name: string, files: readonly string[]): string {
  return `environment '${name}' is defined twice: ${files.join(" and ")}; keep one`;
}
