import { access } from "node:fs/promises";
import path from "node:path";
import { localRepoFiles, readLimited } from "../adapters/local/local-repo-files.js";
import type { ResolvedConfig } from "../core/config/repository-config.js";
import type { Diagnostic } from "../core/diagnostics/index.js";
import { environmentFile, NAME_PATTERN, type Environment } from "../core/environment/index.js";
import type { RepoFiles } from "../core/ports.js";
import { validateEnvironments } from "../core/validation/index.js";
import { MAX_YAML_FILE_BYTES } from "../core/yaml/index.js";
import { UsageError } from "./cli-io.js";

export type LoadedEnvironment =
  | { ok: true; environment: Environment; config: ResolvedConfig; repo: RepoFiles }
  | { ok: false; diagnostics: Diagnostic[]; display: (file: string) => string };


/** NAME (environments/NAME.yaml of the repository) or FILE -> a validated Environment. */
export async function loadEnvironment(target: string, repoDir: string, cwd: string, now: Date): Promise<LoadedEnvironment> {
  const asFile = path.resolve(cwd, target);
  const file = NAME_PATTERN.test(target) && !(await exists(asFile)) ? path.join(repoDir, environmentFile(target)) : asFile;
  const content = await readLimited(file, MAX_YAML_FILE_BYTES);
  if (!content) {
    throw new UsageError(NAME_PATTERN.test(target) ? `no environment '${target}': ${path.relative(cwd, file) || file} does not exist` : `cannot read ${target}: no such file`);
  }
  const repo = localRepoFiles(repoDir);
  const report = await validateEnvironments({
    repo,
    documents: [{ file: path.relative(repoDir, file).split(path.sep).join("/"), content }],
    now,
  });
  const environment = report.environments[0];
  if (report.diagnostics.length > 0 || !environment) {
    return { ok: false, diagnostics: report.diagnostics, display: (f) => path.relative(cwd, path.resolve(repoDir, f)) || f };
  }
  return { ok: true, environment, config: report.config, repo };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
