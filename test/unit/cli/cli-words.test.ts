import { readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../helpers/fixtures.js";
import { runEnvbot } from "../../helpers/run-cli.js";
import { formatStatusTable } from "../../../src/render/plan-text.js";

// The words and exit codes a person meets first: help, version, mistakes in options.
const cwd = path.join(projectRoot, "environments-template");
const version = (JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string }).version;

test("`envbot version`, --version and -v print the version; the help lists it", async () => {
  for (const argv of [["version"], ["--version"], ["-v"]]) {
    expect(await runEnvbot(argv, { cwd })).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
  }
  expect((await runEnvbot(["--help"], { cwd })).stdout).toContain("version    print envbot's version (also --version, -v)");
});

test("an unknown option is named plainly, with where to find the options, exit 2", async () => {
  expect(await runEnvbot(["status", "--frobnicate"], { cwd })).toMatchObject({
    code: 2,
    stderr: "envbot status: unknown option --frobnicate\nRun 'envbot status --help' for usage.\n",
  });
  expect((await runEnvbot(["plan", "sandbox", "-x"], { cwd })).stderr).toBe("envbot plan: unknown option -x\nRun 'envbot plan --help' for usage.\n");
});

test("an option without its value, and an argument a command does not take, are said in envbot's words", async () => {
  expect((await runEnvbot(["status", "--repo"], { cwd })).stderr).toBe("envbot status: option --repo needs a value\nRun 'envbot status --help' for usage.\n");
  expect(await runEnvbot(["orphans", "extra"], { cwd })).toMatchObject({ code: 2, stderr: "envbot orphans: unexpected argument extra\nRun 'envbot orphans --help' for usage.\n" });
});

test("status --help names every status, expiring included", async () => {
  const help = (await runEnvbot(["status", "--help"], { cwd })).stdout;
  for (const status of ["planned", "applying", "active", "expiring", "destroying", "destroyed", "failed"]) expect(help).toContain(status);
});

test("a destroyed environment shows no expiry in status", () => {
  const base = { repository: "r", template: "sandbox", owner: "@a", createdAt: new Date(0), updatedAt: new Date("2026-12-01T00:00:00Z"), expiresAt: new Date("2026-12-02T00:00:00Z") };
  const table = formatStatusTable([
    { ...base, name: "gone", status: "destroyed" },
    { ...base, name: "live", status: "active" },
  ]);
  expect(table.split("\n")[1]).toMatch(/^gone\s+destroyed\s+sandbox\s+-\s+2026-12-01/);
  expect(table.split("\n")[2]).toContain("2026-12-02T00:00:00.000Z");
});

test("a name that is no command, even one every object has, is an unknown command", async () => {
  for (const name of ["toString", "constructor", "frobnicate"]) {
    const result = await runEnvbot([name], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`envbot: unknown command '${name}'`);
  }
});
