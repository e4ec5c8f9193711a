import type { Diagnostic } from "../diagnostics/index.js";
import type { Environment } from "../environment/index.js";
import type { ResolvedConfig } from "../config/repository-config.js";
import type { RepoFiles, SecretProvider } from "../ports/index.js";
import { validateEnvironments, type DefinitionDocument } from "../validation/index.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import type { DefinitionChange } from "./environment-changes.js";

export interface LoadedDefinitions {
  environments: Map<string, Environment>;
  diagnostics: Diagnostic[];
  /** Problems per environment name. */
  problems: Map<string, number>;
  config: ResolvedConfig;
}

/**
 * Reads and validates the definitions of `changes` from `definitions` (one revision), templates
 * from `templates`. A change's environment defined by a second file at that revision is invalid.
 */
export async function loadDefinitions(input: {
  changes: readonly DefinitionChange[];
  definitions: RepoFiles;
  templates: RepoFiles;
  policy: RepoFiles;
  /** The server's secret provider, to report a reference it will refuse before any plan. */
  secrets?: Pick<SecretProvider, "refusal">;
  /** Whose allow rules apply to the secret references. */
  repository?: string;
  now: Date;
}): Promise<LoadedDefinitions> {
  const documents: DefinitionDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const change of input.changes) {
    const content = await input.definitions.readFile(change.file, MAX_YAML_FILE_BYTES);
    if (content) documents.push({ file: change.file, content });
    else diagnostics.push({ file: change.file, line: 1, column: 1, path: "", message: "the definition could not be read at this commit" });
  }
  // `definitions` is the whole revision: a file added beside another of the same name fails here.
  const report = await validateEnvironments({ repo: input.templates, policy: input.policy, documents, definitions: input.definitions, secrets: input.secrets, repository: input.repository, now: input.now });
  diagnostics.push(...report.diagnostics);
  const problems = new Map<string, number>();
  for (const change of input.changes) {
    const count = diagnostics.filter((d) => d.file === change.file).length;
    if (count > 0) problems.set(change.environment, count);
  }
  return {
    environments: new Map(report.environments.map((e) => [e.name, e])),
    diagnostics,
    problems,
    config: report.config,
  };
}

/** `changes` with the outputs each takes, as `loaded` read its definition (none for one that is not valid): what upstreamFirst orders. */
export function withInputs(changes: readonly DefinitionChange[], loaded: LoadedDefinitions): { change: DefinitionChange; name: string; inputs: Environment["inputs"] }[] {
  return changes.map((change) => ({ change, name: change.environment, inputs: loaded.environments.get(change.environment)?.inputs ?? {} }));
}

/** Removed environments others still take outputs from are not destroyed: no longer loaded, their references counted as their problems. */
export function keepStillReferenced(removed: LoadedDefinitions, referenced: ReadonlyMap<string, number>): void {
  for (const [name, count] of referenced) {
    removed.environments.delete(name);
    removed.problems.set(name, count);
  }
}
