import { execFile } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openKeptDatabase } from "../../src/adapters/store/sqlite/kept-database.js";
import { COMMAND_NAMES } from "../../src/access/cli/main.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { projectRoot } from "../helpers/fixtures.js";
import type { CliResult } from "../helpers/run-cli.js";

// A newcomer's first mistakes (issue 29), through the built command as they type it: asking for
// help, a slip in a command or an environment's name, a command run inside the repository's
// folders, an option a command does not take, and --repo for cost.

const BIN = path.join(projectRoot, "bin", "envbot.js");

let root: string;
let repoDir: string;
let repository: string;
let dataDir: string;

/** `envbot ARGV` run by node as a user would, in `cwd` (the repository unless told). */
function envbot(argv: string[], options: { cwd?: string; dataDir?: string } = {}): Promise<CliResult> {
  const env = { PATH: process.env.PATH, HOME: root, USER: "newcomer", ENVBOT_DATA_DIR: options.dataDir ?? dataDir };
  return new Promise((resolve) => {
    // The timeout only ends a command that hangs (a server that started): never waited for otherwise.
    execFile(process.execPath, [BIN, ...argv], { cwd: options.cwd ?? repoDir, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr }),
    );
  });
}

/** The records envbot keeps of `sandbox`, applied from this checkout for three hours in November. */
async function recordSandbox(): Promise<void> {
  const file = path.join(dataDir, "envbot.db");
  const store = openSqliteStore({ file });
  const lives: [string, string, [string, string, number?][]][] = [
    [repository, "sandbox", [["apply", "2026-11-10T09:00:00Z", 0.1], ["destroy", "2026-11-10T12:00:00Z"]]],
    ["acme/other", "docs", [["apply", "2026-11-30T00:00:00Z", 1]]],
  ];
  const finished: [number, string][] = [];
  for (const [recordedFor, name, runs] of lives) {
    await store.upsertEnvironment({ repository: recordedFor, name, template: "sandbox", owner: "@acme/qa", status: "active" });
    for (const [kind, at, hourly] of runs) {
      const run = await store.startRun({ repository: recordedFor, environment: name, kind: kind as "apply" | "destroy", actor: "cli:newcomer" });
      await store.finishRun(run.id, { outcome: "succeeded", summary: JSON.stringify({ changes: {}, ...(hourly !== undefined && { cost: { hourly, source: "template" } }) }) });
      finished.push([run.id, at]);
    }
  }
  await store.close();
  // The runs ended at the times of the story, not at the test's.
  const db = openKeptDatabase(file);
  for (const [id, at] of finished) db.prepare("UPDATE runs SET finished_at = ? WHERE id = ?").run(at, id);
  db.close();
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), "envbot-first-steps-")));
  dataDir = path.join(root, "data");
  await mkdir(dataDir);
  expect(await envbot(["init", "repo"], { cwd: root })).toMatchObject({ code: 0 });
  repoDir = path.join(root, "repo");
  repository = repoDir;
  await recordSandbox();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("help", () => {
  test("`envbot help plan` prints what `envbot plan --help` prints, exit 0", async () => {
    const asked = await envbot(["help", "plan"]);
    expect(asked).toMatchObject({ code: 0, stderr: "" });
    expect(asked.stdout).toMatch(/^Usage: envbot plan NAME\|FILE/);
    expect(asked).toEqual(await envbot(["plan", "--help"]));
  });

  test("`envbot help` of no command is a usage error that names the command meant when one is close", async () => {
    expect(await envbot(["help", "nosuch"])).toEqual({ code: 2, stdout: "", stderr: "envbot help: unknown command 'nosuch'\nRun 'envbot help' for the list of commands.\n" });
    expect(await envbot(["help", "plna"])).toMatchObject({ code: 2, stderr: "envbot help: unknown command 'plna'; did you mean 'plan'?\nRun 'envbot help' for the list of commands.\n" });
  });
});

test("a misspelt command is a usage error that names the command meant", async () => {
  expect(await envbot(["plna", "sandbox"])).toEqual({ code: 2, stdout: "", stderr: "envbot: unknown command 'plna'; did you mean 'plan'?\nRun 'envbot help' for the list of commands.\n" });
  expect(await envbot(["vaildate"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^envbot: unknown command 'vaildate'; did you mean 'validate'\?\n/) });
});

describe("an environment NAME that does not exist is a failure, exit 1, with the name meant or those there are", () => {
  test.each(["plan", "apply", "destroy"])("envbot %s: among the definitions", async (verb) => {
    const argv = verb === "plan" ? ["plan", "sandbx"] : [verb, "sandbx", "--yes"];
    expect(await envbot(argv)).toEqual({
      code: 1,
      stdout: "",
      stderr: `envbot ${verb}: no environment 'sandbx': environments/sandbx.yaml does not exist; did you mean 'sandbox'?\n`,
    });
  });

  test("a name like none of the definitions lists them", async () => {
    expect(await envbot(["plan", "checkout"])).toMatchObject({
      code: 1,
      stderr: "envbot plan: no environment 'checkout': environments/checkout.yaml does not exist; the environments there are: sandbox\n",
    });
  });

  test.each(["status", "history", "logs", "inventory"])("envbot %s: among the environments envbot keeps", async (command) => {
    expect(await envbot([command, "sandbx"])).toEqual({ code: 1, stdout: "", stderr: `envbot ${command}: envbot has no environment 'sandbx' in ~/repo; did you mean 'sandbox'?\n` });
    expect(await envbot([command, "nope"])).toEqual({ code: 1, stdout: "", stderr: `envbot ${command}: envbot has no environment 'nope' in ~/repo; the environments there are: sandbox\n` });
  });

  test("a data directory that keeps none says so", async () => {
    const empty = path.join(root, "empty-data");
    expect(await envbot(["history", "sandbox"], { dataDir: empty })).toEqual({
      code: 1,
      stdout: "",
      stderr: "envbot history: envbot has no environment 'sandbox' in ~/repo; it has none there yet (an environment is kept once it is planned)\n",
    });
  });

  test("a run that does not exist is a failure too; an environment that does is listed", async () => {
    expect(await envbot(["logs", "999"])).toEqual({ code: 1, stdout: "", stderr: "envbot logs: there is no run 999\n" });
    const status = await envbot(["status", "sandbox"]);
    expect(status).toMatchObject({ code: 0, stderr: "" });
    expect(status.stdout.split("\n").filter((line) => /^\S+\s+(active|destroyed|planned|failed)\s/.test(line))).toEqual([expect.stringMatching(/^sandbox\s+active\s/)]);
    expect((await envbot(["history", "sandbox"])).code).toBe(0);
  });
});

describe("a command run in a folder inside the repository finds the repository", () => {
  test("`envbot validate sandbox.yaml` in environments/ validates it with the repository's templates", async () => {
    expect(await envbot(["validate", "sandbox.yaml"], { cwd: path.join(repoDir, "environments") })).toEqual({ code: 0, stdout: "1 environment definition valid\n", stderr: "" });
    expect(await envbot(["validate"], { cwd: path.join(repoDir, "templates", "sandbox") })).toEqual({ code: 0, stdout: "1 environment definition valid\n", stderr: "" });
  });

  test("the environments and records are the repository's, with paths shown from where one stands", async () => {
    const environments = path.join(repoDir, "environments");
    expect((await envbot(["status"], { cwd: environments })).stdout).toMatch(/^Environments of ~\/repo /);
    expect(await envbot(["plan", "sandbx"], { cwd: environments })).toMatchObject({ code: 1, stderr: "envbot plan: no environment 'sandbx': sandbx.yaml does not exist; did you mean 'sandbox'?\n" });
  });

  test("outside any repository it is still the current directory that is no repository", async () => {
    expect(await envbot(["validate"], { cwd: root })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^envbot validate: the current directory is not an environments repository: it has no environments\/ folder\n/),
    });
  });
});

describe("every command refuses an option it does not take, naming it, exit 2", () => {
  test("each command of the command line, server and worker before they start anything", async () => {
    expect(COMMAND_NAMES).toEqual(expect.arrayContaining(["plan", "cost", "server", "worker", "version", "help"]));
    for (const name of COMMAND_NAMES) {
      const result = await envbot([name, "--no-such-option"]);
      expect({ name, ...result }).toEqual({ name, code: 2, stdout: "", stderr: expect.stringMatching(/^envbot \S+: unknown option --no-such-option\n/) });
    }
  });

  test("`envbot --version --foo` as `envbot version --foo`", async () => {
    for (const argv of [["version", "--foo"], ["--version", "--foo"], ["-v", "--foo"]]) {
      expect(await envbot(argv)).toEqual({ code: 2, stdout: "", stderr: "envbot version: unknown option --foo\nRun 'envbot version --help' for usage.\n" });
    }
  });
});

describe("envbot cost --repo DIR", () => {
  test("charges only the environments of that checkout, as --repo means in every command", async () => {
    const rows = async (argv: string[]) => (JSON.parse((await envbot(["cost", "--month", "2026-11", "--by", "environment", "--json", ...argv])).stdout) as { rows: { group: string }[] }).rows;
    expect(await rows([])).toEqual([expect.objectContaining({ group: "acme/other docs" }), expect.objectContaining({ group: `${repository} sandbox` })]);
    expect(await rows(["--repo", "."])).toEqual([{ group: `${repository} sandbox`, environments: 1, hours: 3, cost: 0.3 }]);
    expect(await rows(["--repo", repoDir])).toEqual(await rows(["--repo", "."]));
  });

  test("a --repo that is no repository is a usage error, as elsewhere", async () => {
    expect(await envbot(["cost", "--repo", "nowhere"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^envbot cost: no such directory: nowhere\n/) });
    expect((await envbot(["cost", "--help"])).stdout).toContain("--repo DIR");
  });
});
