import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { cp, mkdtemp, open, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "../../helpers/fixtures.js";
import { runEnvbot } from "../../helpers/run-cli.js";

// A cloned repository can hold links to anything on the machine: the CLI reads definitions only
// inside the repository, like the App, and never prints what lies behind such a link.

const MARKER = "leaked-marker-5c1e9a";
let root: string;
let repo: string;
let outsideFile: string;

/** "KEY=value" entries of this process's initial environment, as /proc/self/environ shows them. */
async function environEntries(): Promise<string[]> {
  const text = await readFile("/proc/self/environ", "latin1");
  return text.split("\0").filter((e) => e.includes("=") && e.length >= 10);
}

function envbot(argv: string[]) {
  return runEnvbot(argv, { cwd: repo, env: { PATH: process.env.PATH, HOME: root, ENVBOT_DATA_DIR: path.join(root, "data") } });
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "envbot-confine-"));
  repo = path.join(root, "repo");
  await cp(path.join(projectRoot, "environments-template"), repo, { recursive: true });
  // Shaped so that reading it would echo the marker in the messages (unknown template, bad version).
  outsideFile = path.join(root, "secret.yaml");
  await writeFile(outsideFile, `apiVersion: ${MARKER}\nkind: Environment\nmetadata:\n  name: outside\n  owner: "@acme/qa"\nspec:\n  template: ${MARKER}\n  ${MARKER}: ${MARKER}\n`);
  await symlink(outsideFile, path.join(repo, "environments", "outside.yaml"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("a link in environments/ that leads outside the repository", () => {
  test("`envbot validate FILE` refuses it as a usage error, naming it, without its content", async () => {
    const result = await envbot(["validate", "environments/outside.yaml"]);
    expect(result.stdout + result.stderr).not.toContain(MARKER);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("envbot validate: environments/outside.yaml leads outside the repository");
  });

  test("`envbot plan NAME` says the definition leads outside the repository, without its content", async () => {
    const result = await envbot(["plan", "outside"]);
    expect(result.stdout + result.stderr).not.toContain(MARKER);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no environment 'outside': environments/outside.yaml leads outside the repository");
  });

  test("`envbot validate` of the whole repository reports it at the link, without its content", async () => {
    const result = await envbot(["validate"]);
    expect(result.stdout + result.stderr).not.toContain(MARKER);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("environments/outside.yaml:1:1: cannot be read: it leads outside the repository; envbot reads only files inside it\n");
  });

  test("a link to /proc/self/environ is never read: no variable of the process appears", async () => {
    await symlink("/proc/self/environ", path.join(repo, "environments", "environ.yaml"));
    const entries = await environEntries();
    expect(entries.length).toBeGreaterThan(0);
    for (const argv of [["validate", "environments/environ.yaml"], ["plan", "environ"]]) {
      const result = await envbot(argv);
      const output = result.stdout + result.stderr;
      expect(entries.filter((entry) => output.includes(entry))).toEqual([]);
      expect([argv, result.code]).toEqual([argv, 2]);
      expect(result.stderr).toContain("environments/environ.yaml leads outside the repository");
    }
  });
});

test("a FILE outside the repository is refused as a usage error before it is read", async () => {
  const result = await envbot(["validate", outsideFile]);
  expect(result.stdout + result.stderr).not.toContain(MARKER);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`envbot validate: ${outsideFile} is outside the repository ${repo}`);
});

describe("a named pipe in environments/", () => {
  let fifo: string;
  beforeEach(() => {
    fifo = path.join(repo, "environments", "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
  });
  afterEach(async () => {
    // A command that blocks on the pipe (the behaviour this guards against) fails its test by the
    // test's timeout, not by a budget of ours that a loaded machine could miss; this releases it.
    const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
    await writer?.close();
  });

  test("does not hang `envbot validate`: it is reported as not a regular file", async () => {
    const result = await envbot(["validate"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("environments/pipe.yaml:1:1: cannot be read: it is not a regular file\n");
  });

  test("as a FILE argument it is a usage error, at once", async () => {
    const result = await envbot(["validate", "environments/pipe.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("envbot validate: cannot read environments/pipe.yaml: it is not a regular file");
  });
});
