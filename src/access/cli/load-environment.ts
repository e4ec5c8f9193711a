import { access } from "node:fs/promises";
import path from "node:path";
import { localRepoFiles } from "../../adapters/local/local-repo-files.js";
import type { ResolvedConfig } from "../../core/config/repository-config.js";
import type { Diagnostic } from "../../core/diagnostics/index.js";
import { describeUnreadable, listDefinitionFiles } from "../../core/repository/index.js";
import { environmentFile, NAME_PATTERN, type Environment } from "../../core/environment/index.js";
import type { RepoFiles, SecretProvider } from "../../core/ports/index.js";
import { validateEnvironments, type DefinitionDocument } from "../../core/validation/index.js";
import { MAX_YAML_FILE_BYTES } from "../../core/yaml/index.js";
import { CommandFailure, UsageError } from "./cli-io.js";
import { cliSchemaCompiler } from "./cli-schema-compiler.js";
import { unknownEnvironmentText } from "./environment-directory.js";
import { readDefinitionArgument } from "./read-definition-argument.js";

export type LoadedEnvironment =
  | { ok: true; environment: Environment; config: ResolvedConfig; repo: RepoFiles }
  | { ok: false; diagnostics: Diagnostic[]; display: (file: string) => string };

/**
 * NAME (environments/NAME.yaml or .yml of the repository) or FILE -> a validated Environment.
 * Everything is read through the repository-confined reader; a name defined by two files is
 * reported at both, as `validate` and the App do. A NAME nothing defines is a failure (exit 1)
 * that names the environment meant, or those there are.
 */
export async function loadEnvironment(
  target: string,
  repoDir: string,
  cwd: string,
  now: Date,
  secrets: Pick<SecretProvider, "refusal">,
  env: NodeJS.ProcessEnv,
): Promise<LoadedEnvironment> {
  const repo = localRepoFiles(repoDir);
  const display = (file: string) => path.relative(cwd, path.resolve(repoDir, file)) || file;
  const asName = NAME_PATTERN.test(target) && !(await exists(path.resolve(cwd, target)));
  const documents = asName ? await readNamedDefinitions(repo, target, display) : [await readDefinitionArgument({ argument: target, repoDir, cwd, repo })];
  const report = await validateEnvironments({ repo, documents, definitions: repo, secrets, now, compileSchemas: cliSchemaCompiler(env, cwd) });
  const environment = report.environments[0];
  if (report.diagnostics.length > 0 || !environment) return { ok: false, diagnostics: report.diagnostics, display };
  return { ok: true, environment, config: report.config, repo };
}

async function readNamedDefinitions(repo: ReturnType<typeof localRepoFiles>, name: string, display: (file: string) => string): Promise<DefinitionDocument[]> {
  const definitions = await listDefinitionFiles(repo);
  const files = definitions.get(name) ?? [];
  if (files.length === 0) throw new CommandFailure(unknownEnvironmentText(name, `no environment '${name}': ${display(environmentFile(name))} does not exist`, [...definitions.keys()]));
  const documents: DefinitionDocument[] = [];
  for (const file of files) {
    const content = await repo.readFile(file, MAX_YAML_FILE_BYTES);
    if (!content) throw new UsageError(`no environment '${name}': ${describeUnreadable(display(file), await repo.whyUnreadable(file))}`);
    documents.push({ file, content });
  }
  return documents;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
