import { cp, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { displayRepository } from "../local-repository.js";
import { EXIT, UsageError, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";

export const initUsage = `Usage: envbot init [DIR]

Writes a starter environments repository into DIR (default: the current directory): the starter
templates and a sandbox environment, .github/envbot.yml, a .gitignore, and a GitHub Actions
workflow that runs 'envbot validate' on every pull request. Never overwrites a file: a DIR that
holds any of them already is refused.`;

/** The starter repository shipped with envbot (environments-template/ beside dist/). */
const STARTER = fileURLToPath(new URL("../../../../environments-template/", import.meta.url));

const GITIGNORE = `# Terraform and envbot leave nothing here; these keep stray local runs out of Git.
.terraform/
*.tfstate
*.tfstate.*
cdktf.out/
.envbot/
`;

const WORKFLOW = `# Checks every environment definition, template and .github/envbot.yml of a pull request.
# ENVBOT_PACKAGE (a repository variable) says where to install envbot from: an npm package name,
# a tarball URL or github:OWNER/envbot. The envbot GitHub App checks the same, with annotations.
name: envbot validate
on: pull_request
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm install --global "\${{ vars.ENVBOT_PACKAGE || 'envbot' }}"
      - run: envbot validate
`;

export async function initCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...HELP_OPTION } });
  if (values.help) return printUsage(io, initUsage);
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

  await mkdir(target, { recursive: true });
  await cp(STARTER, target, { recursive: true, errorOnExist: true, force: false });
  await writeFile(path.join(target, ".gitignore"), GITIGNORE, { flag: "wx" });
  await mkdir(path.join(target, ".github", "workflows"), { recursive: true });
  await writeFile(path.join(target, ".github", "workflows", "envbot-validate.yml"), WORKFLOW, { flag: "wx" });

  const shown = displayRepository(target);
  io.stdout(
    [
      `Wrote a starter environments repository to ${shown}:`,
      "  environments/sandbox.yaml   an environment (no cloud account needed)",
      "  templates/                  sandbox and static-site",
      "  .github/envbot.yml          policy: state backend, schedules, limits",
      "  .github/workflows/          envbot validate on every pull request",
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
