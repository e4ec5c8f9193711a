import type { Diagnostic } from "../diagnostics/index.js";
import type { OutputReference } from "../environment/index.js";
import type { RepoFiles } from "../ports/index.js";
import { listDefinitionFiles } from "../repository/index.js";
import { referencesOf } from "../validation/check-dependencies.js";
import { formatPath, MAX_YAML_FILE_BYTES, parseYamlFile, type PathSegment, type YamlLocator } from "../yaml/index.js";

/** One definition of a revision that takes other environments' outputs. */
export interface DefinitionReferences {
  name: string;
  file: string;
  /** Variable -> the output it takes. */
  references: Record<string, OutputReference>;
  locator: YamlLocator;
}

/**
 * Every definition at `files` that takes another environment's output, read as data (one that
 * is not is its own pull request's problem, and takes nothing here).
 */
export async function definitionReferences(files: RepoFiles): Promise<DefinitionReferences[]> {
  const found: DefinitionReferences[] = [];
  for (const [name, paths] of await listDefinitionFiles(files)) {
    for (const file of paths) {
      const content = await files.readFile(file, MAX_YAML_FILE_BYTES);
      const parsed = content && parseYamlFile({ file, bytes: content.bytes, size: content.size, expected: "an environment definition" });
      if (!parsed || !parsed.ok) continue;
      const references = referencesOf(parsed.value);
      if (Object.keys(references).length > 0) found.push({ name, file, references, locator: parsed.locator });
    }
  }
  return found;
}

/** Upstream -> the environments at `files` that take its outputs. */
export async function dependentsByUpstream(files: RepoFiles): Promise<Map<string, string[]>> {
  const dependents = new Map<string, string[]>();
  for (const { name, references } of await definitionReferences(files)) {
    for (const upstream of new Set(Object.values(references).map((r) => r.fromEnvironment))) dependents.set(upstream, [...(dependents.get(upstream) ?? []), name]);
  }
  return dependents;
}

/**
 * Removing an environment that others still take outputs from is refused: each definition left
 * (`remaining`: definitionReferences of the revision after the removal) that references one of
 * `removed` gets an error at that reference. A pull request that removes the dependents too has
 * none (they are destroyed first).
 */
export function referencesToRemoved(remaining: readonly DefinitionReferences[], removed: readonly string[]): { diagnostics: Diagnostic[]; referenced: Map<string, number> } {
  const gone = new Set(removed);
  const diagnostics: Diagnostic[] = [];
  /** Removed environment -> how many references to it remain. */
  const referenced = new Map<string, number>();
  for (const { name, file, references, locator } of remaining) {
    if (gone.has(name)) continue;
    for (const [variable, reference] of Object.entries(references)) {
      if (!gone.has(reference.fromEnvironment)) continue;
      referenced.set(reference.fromEnvironment, (referenced.get(reference.fromEnvironment) ?? 0) + 1);
      const path: PathSegment[] = ["spec", "variables", variable, "fromEnvironment"];
      diagnostics.push({
        file,
        ...locator.locate(path, "value"),
        path: formatPath(path),
        message: `${name} takes the output ${reference.output} of '${reference.fromEnvironment}', which this pull request removes: remove ${name} in it too (it is then destroyed first), or stop taking the output`,
      });
    }
  }
  return { diagnostics, referenced };
}
