import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { localRepoFiles } from "../../../adapters/local/local-repo-files.js";
import { ENVIRONMENTS_DIR } from "../../../core/environment/index.js";
import { validateEnvironments, type DefinitionDocument } from "../../../core/validation/index.js";
import { formatDiagnostic, formatValidationSummary } from "../../../render/diagnostics-text.js";
import { EXIT, UsageError, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { cliSchemaCompiler } from "../cli-schema-compiler.js";
import { parseGitHubRepository } from "../local-repository.js";
import { localSecretProvider } from "../local-secret-provider.js";
import { readDefinitionArgument } from "../read-definition-argument.js";
import { repositoryDirectory } from "../repository-directory.js";

export const validateUsage = `Usage: envbot validate [--repo DIR] [--json] [FILE...]

Checks environment definitions against the schemas, their templates and .github/envbot.yml.
With no FILE, checks every ${ENVIRONMENTS_DIR}/*.yaml and *.yml and every template of the repository
at DIR. Each FILE must be inside the repository.

Options:
  --repo DIR   the environments repository (default: the one the current directory is in)
  --github OWNER/NAME
               judge secret references by ENVBOT_SECRETS_ALLOW's rules for this GitHub
               repository (default: only the rules for every repository)
  --json       print the problems as a JSON array of {file, line, column, path, message}
  -h, --help   show this help

Exit status: 0 all valid, 1 problems found, 2 usage error.`;

export async function validateCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { repo: { type: "string" }, github: { type: "string" }, json: { type: "boolean" }, ...HELP_OPTION },
  });
  if (values.help) return printUsage(io, validateUsage);
  const repository = values.github === undefined ? undefined : parseGitHubRepository(values.github, "--github");
  const { repoDir, shownAs } = await repositoryDirectory(io.cwd, values.repo);
  if (!(await isDirectory(repoDir))) throw new UsageError(`no such directory: ${values.repo ?? repoDir}`);

  const repo = localRepoFiles(repoDir);
  let documents: DefinitionDocument[] | undefined;
  if (positionals.length > 0) {
    documents = [];
    for (const argument of positionals) documents.push(await readDefinitionArgument({ argument, repoDir, cwd: io.cwd, repo }));
  } else if (!(await isDirectory(path.join(repoDir, ENVIRONMENTS_DIR)))) {
    throw new UsageError(`${shownAs} is not an environments repository: it has no ${ENVIRONMENTS_DIR}/ folder`);
  }

  const report = await validateEnvironments({
    repo,
    documents,
    definitions: repo,
    allTemplates: documents === undefined,
    secrets: localSecretProvider(io.env, io.cwd),
    repository,
    now: io.now(),
    compileSchemas: cliSchemaCompiler(io.env, io.cwd),
  });

  // Paths are shown relative to where the user stands, so they can be opened as printed.
  const display = (file: string) => path.relative(io.cwd, path.resolve(repoDir, file)) || file;
  if (values.json) {
    io.stdout(`${JSON.stringify(report.diagnostics.map((d) => ({ ...d, file: display(d.file) })), null, 2)}\n`);
  } else {
    for (const diagnostic of report.diagnostics) io.stdout(`${formatDiagnostic(diagnostic, display(diagnostic.file))}\n`);
    const summary = formatValidationSummary({
      problems: report.diagnostics.length,
      files: report.checkedFiles,
      invalidFiles: new Set(report.diagnostics.map((d) => d.file)).size,
    });
    (report.diagnostics.length === 0 ? io.stdout : io.stderr)(`${summary}\n`);
  }
  return report.diagnostics.length === 0 ? EXIT.ok : EXIT.failed;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
