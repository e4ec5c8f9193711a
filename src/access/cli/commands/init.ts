import { constants } from "node:fs";
import { copyFile, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { displayRepository } from "../local-repository.js";
import { EXIT, UsageError, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { isPinnedPackage, PINNED_PACKAGE_FORMS, PINNED_PACKAGE_PATTERN } from "../pinned-package.js";
import { packageFile } from "../../../adapters/package-paths.js";

export const initUsage = `Usage: envbot init [DIR] [--package SPEC]

Writes a starter environments repository into DIR (default: the current directory): the starter
templates and a sandbox environment, .github/envbot.yml, a .gitignore, and a GitHub Actions
workflow that runs 'envbot validate' on every pull request. Never overwrites a file: a DIR that
holds any of them already is refused.
The workflow installs envbot only from ENVBOT_PACKAGE, pinned to one build: ${PINNED_PACKAGE_FORMS}.
Without --package it reads the repository variable ENVBOT_PACKAGE and fails, installing nothing,
while that is unset or not pinned.
Options:
  --package SPEC   write SPEC into the workflow instead (refused unless pinned)
  -h, --help       show this help`;

/** The starter repository shipped with envbot (environments-template/ beside dist/). */
const STARTER = packageFile("environments-template/");

const GITIGNORE = `# Terraform and envbot leave nothing here; these keep stray local runs out of Git.
.terraform/
*.tfstate
*.tfstate.*
cdktf.out/
.envbot/
`;

/** ENVBOT_PACKAGE as the workflow reads it: the repository variable, unless `--package` wrote the spec itself. */
const FROM_VARIABLE = "${{ vars.ENVBOT_PACKAGE }}";

/**
 * The validate workflow. envbot is installed only from ENVBOT_PACKAGE, pinned (see
 * pinned-package.ts), never from a name anyone may publish; unset or unpinned, the step fails
 * before npm runs. The value reaches the shell as an environment variable, never spliced into
 * the script, and no dependency's install script runs.
 */
function workflow(packageValue: string): string {
  return `# Checks every environment definition, template and .github/envbot.yml of a pull request.
# ENVBOT_PACKAGE says where to install envbot from, pinned to one build: ${PINNED_PACKAGE_FORMS}.
# Set it as a repository variable, or write it below (envbot init --package SPEC does).
# The envbot GitHub App checks the same, with annotations.
name: envbot validate
on: pull_request
permissions:
  contents: read
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install envbot from ENVBOT_PACKAGE
        shell: bash
        env:
          ENVBOT_PACKAGE: ${packageValue}
        run: |
          PINNED='${PINNED_PACKAGE_PATTERN}'
          if [ -z "$ENVBOT_PACKAGE" ]; then
            echo '::error::ENVBOT_PACKAGE is not set, so envbot was not installed. Set the repository variable ENVBOT_PACKAGE to ${PINNED_PACKAGE_FORMS}.'
            exit 1
          fi
          if ! [[ "$ENVBOT_PACKAGE" =~ $PINNED ]]; then
            echo '::error::ENVBOT_PACKAGE is not pinned, so envbot was not installed. Name ${PINNED_PACKAGE_FORMS}.'
            exit 1
          fi
          npm install --global --ignore-scripts "$ENVBOT_PACKAGE"
      - run: envbot validate
`;
}

export async function initCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { package: { type: "string" }, ...HELP_OPTION } });
  if (values.help) return printUsage(io, initUsage);
  if (values.package !== undefined && !isPinnedPackage(values.package)) {
    throw new UsageError(`--package takes envbot pinned to one build, ${PINNED_PACKAGE_FORMS}; not '${values.package}'`);
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one DIR, got ${positionals.length}`);
  const target = path.resolve(io.cwd, positionals[0] ?? ".");
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new UsageError(`${positionals[0]} is a file, not a directory`);

  const files = [...(await starterFiles(STARTER)), ".gitignore", ".github/workflows/envbot-validate.yml"];
  const taken = [];
  for (const file of files) if (await stat(path.join(target, file)).catch(() => undefined)) taken.push(file);
  if (taken.length > 0) {
    throw new UsageError(`${displayRepository(target)} already has ${taken.slice(0, 5).join(", ")}${taken.length > 5 ? ` and ${taken.length - 5} more` : ""}: envbot init never overwrites`);
  }

  // File by file, never over one: fs.cp refuses an existing target folder on Node 22 and later.
  for (const file of await starterFiles(STARTER)) {
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await copyFile(path.join(STARTER, file), path.join(target, file), constants.COPYFILE_EXCL);
  }
  await writeFile(path.join(target, ".gitignore"), GITIGNORE, { flag: "wx" });
  await mkdir(path.join(target, ".github", "workflows"), { recursive: true });
  // A pinned spec has no quote, space or $: as a double-quoted YAML string it stays itself.
  const packageValue = values.package === undefined ? FROM_VARIABLE : `"${values.package}"`;
  await writeFile(path.join(target, ".github", "workflows", "envbot-validate.yml"), workflow(packageValue), { flag: "wx" });

  const shown = displayRepository(target);
  io.stdout(
    [
      `Wrote a starter environments repository to ${shown}:`,
      "  environments/sandbox.yaml   an environment (no cloud account needed)",
      "  templates/                  sandbox and static-site",
      "  .github/envbot.yml          policy: state backend, schedules, limits",
      "  .github/workflows/          envbot validate on every pull request",
      values.package === undefined
        ? "                              (set the repository variable ENVBOT_PACKAGE to a pinned envbot: until then it installs nothing and fails)"
        : `                              (installs ${values.package})`,
      "Next:",
      `  envbot validate --repo ${shown}`,
      `  envbot apply sandbox --repo ${shown}`,
      "",
    ].join("\n"),
  );
  return EXIT.ok;
}

/** Every file under `dir`, relative, with "/". */
async function starterFiles(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await starterFiles(path.join(dir, entry.name), relative)));
    else found.push(relative);
  }
  return found;
}
