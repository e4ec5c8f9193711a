import { CONFIG_PATH, resolveConfig, type ResolvedConfig } from "../config/repository-config.js";
import type { Diagnostic } from "../diagnostics/index.js";
import type { RepoFile, RepoFiles } from "../ports/index.js";
import { formatPath, MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import { builtinCheckers } from "./builtin-checkers.js";
import { checkYamlFile } from "./check-yaml-file.js";
import { checkHibernationSpec } from "../hibernation/resolve-hibernation.js";
import { freezeData, RecentFileChecks } from "./recent-file-checks.js";

/** A few repositories' policies, each checked once per content. */
const recent = new RecentFileChecks<{ config: ResolvedConfig; diagnostics: Diagnostic[] }>(64);

/**
 * The repository policy (.github/envbot.yml) of a revision, with every default filled in. An
 * invalid file yields its diagnostics and the defaults, so checks can go on.
 */
export async function readRepositoryConfig(files: RepoFiles): Promise<{ config: ResolvedConfig; diagnostics: Diagnostic[] }> {
  const content = await files.readFile(CONFIG_PATH, MAX_YAML_FILE_BYTES);
  if (!content) return { config: resolveConfig(), diagnostics: [] };
  return recent.get([CONFIG_PATH], content, () => freezeData(checkRepositoryConfig(content)));
}

function checkRepositoryConfig(content: RepoFile): { config: ResolvedConfig; diagnostics: Diagnostic[] } {
  const checked = checkYamlFile({ file: CONFIG_PATH, content, expected: "the envbot repository configuration", checker: builtinCheckers().config });
  // A policy that cannot be read decides nothing in anyone's favour: see ResolvedConfig.unreadable.
  if (!checked.ok) return { config: { ...resolveConfig(), unreadable: true }, diagnostics: checked.diagnostics };
  const config = resolveConfig(checked.value);
  const diagnostics: Diagnostic[] = [];
  for (const problem of config.hibernation.default ? checkHibernationSpec(config.hibernation.default, ["hibernation", "default"]) : []) {
    diagnostics.push({ file: CONFIG_PATH, ...checked.locator.locate(problem.path, "value"), path: formatPath(problem.path), message: problem.message });
  }
  if (config.limits.defaultTtlMs !== undefined && config.limits.defaultTtlMs > config.limits.maxTtlMs) {
    const path = ["limits", "defaultTtl"];
    diagnostics.push({ file: CONFIG_PATH, ...checked.locator.locate(path, "value"), path: formatPath(path), message: `${config.limits.defaultTtl} is longer than limits.maxTtl (${config.limits.maxTtl})` });
  }
  return { config: diagnostics.length > 0 ? { ...config, unreadable: true } : config, diagnostics };
}
