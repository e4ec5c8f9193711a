import { jest } from "@jest/globals";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../helpers/fixtures.js";

// The README's first commands, run exactly as written (a newcomer's first minutes), from the
// checkout, with a fresh home directory: where the data goes must not depend on where one stands.
jest.setTimeout(180_000);
const run = promisify(execFile);

let home: string;
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "envbot-home-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/**
 * The shell lines of the README's sh blocks between two sentences, each with the output its
 * comment shows ("cmd  # output"; "..." and "<placeholders>" stand for what varies).
 */
async function readmeLines(from: string, to: string): Promise<{ command: string; expect?: string }[]> {
  const readme = await readFile(path.join(projectRoot, "README.md"), "utf8");
  const start = readme.indexOf(from);
  const end = readme.indexOf(to, start);
  if (start === -1 || end === -1) throw new Error(`the README no longer has "${from}" ... "${to}"`);
  const section = readme.slice(start, end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const [command, comment] = line.split(/\s+# /);
        return { command: command!.trim(), ...(comment ? { expect: comment.replace(/ \.\.\.$/, "").replace(/<expiry>/, "") } : {}) };
      }),
  );
}

test("the quick start works as written, and writes nothing into the checkout", async () => {
  const lines = await readmeLines("From a checkout of envbot", "Records, state and working directories go to");
  expect(lines.map((l) => l.command)).toEqual([
    "npm ci && npx envbot apply sandbox --repo environments-template --yes",
    "npx envbot status --repo environments-template",
    "npx envbot plan sandbox --repo environments-template",
    "npx envbot destroy sandbox --repo environments-template --yes",
  ]);
  const env = { PATH: process.env.PATH, HOME: home, USER: "newcomer" };
  for (const { command, expect: expected } of lines) {
    // `npm ci` would replace the node_modules this very test runs from: the checkout is installed already.
    const shell = command.replace(/^npm ci && /, "");
    const { stdout } = await run("bash", ["-c", shell], { cwd: projectRoot, env });
    if (expected) expect(stdout.replace(/\s+/g, " ")).toContain(expected.replace(/\s+/g, " ").trim());
  }
  // The data went to the user's state directory, not into the repository or the checkout.
  expect(existsSync(path.join(home, ".local", "state", "envbot", "envbot.db"))).toBe(true);
  expect(existsSync(path.join(projectRoot, "environments-template", ".envbot"))).toBe(false);
  // Nothing new in the repository, ignored files included.
  const { stdout: created } = await run("git", ["ls-files", "--others", "--", "environments-template"], { cwd: projectRoot });
  expect(created).toBe("");
});

test("installing the command from the checkout and starting an environments repository work as written", async () => {
  const lines = await readmeLines("To start your own environments repository", "`envbot init [DIR]` writes");
  expect(lines.map((l) => l.command)).toEqual(["npm install --global .", "envbot init ~/my-environments", "envbot validate --repo ~/my-environments"]);
  // npm's global prefix in a scratch directory: the test installs nothing on the machine.
  const prefix = path.join(home, "npm-global");
  const env = { PATH: `${path.join(prefix, "bin")}:${process.env.PATH}`, HOME: home, npm_config_prefix: prefix, npm_config_audit: "false", npm_config_fund: "false" };
  for (const { command, expect: expected } of lines) {
    const { stdout } = await run("bash", ["-c", command], { cwd: projectRoot, env });
    if (expected) expect(stdout).toContain(expected);
  }
  expect(existsSync(path.join(home, "my-environments", ".github", "workflows", "envbot-validate.yml"))).toBe(true);
});
