import { CONFIG_PATH, resolveConfig, type ResolvedConfig } from "../config/repository-config.js";
import type { Diagnostic } from "../diagnostics/index.js";
import type { RepoFiles } from "../ports.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import { builtinCheckers } from "./builtin-checkers.js";
import { checkYamlFile } from "./check-yaml-file.js";

/**
 * The repository policy (.github/envbot.yml) of a revision, with every default filled in. An
 * invalid file yields its diagnostics and the defaults, so checks can go on.
 */
export async function readRepositoryConfig(files: RepoFiles): Promise<{ config: ResolvedConfig; diagnostics: Diagnostic[] }> {
  const content = await files.readFile(CONFIG_PATH, MAX_YAML_FILE_BYTES);
  if (!content) return { config: resolveConfig(), diagnostics: [] };
  const checked = checkYamlFile({ file: CONFIG_PATH, content, expected: "the envbot repository configuration", checker: builtinCheckers().config });
  return checked.ok ? { config: resolveConfig(checked.value), diagnostics: [] } : { config: resolveConfig(), diagnostics: checked.diagnostics };
}
