import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fixturePath, projectRoot } from "../../helpers/fixtures.js";
import { runEnvbot } from "../../helpers/run-cli.js";

const basic = fixturePath("repos", "basic");
const bad = fixturePath("environments", "bad");

describe("envbot validate", () => {
  // FILE arguments must be inside the repository: a scratch copy of repos/basic holding the bad
  // definitions under environments/bad/ (not a definition folder, so only checked when named).
  let scratch: string;
  let scratchRepo: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "envbot-validate-"));
    scratchRepo = path.join(scratch, "basic");
    await cp(basic, scratchRepo, { recursive: true });
    await cp(bad, path.join(scratchRepo, "environments", "bad"), { recursive: true });
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test("a clean repository exits 0 and says how many definitions it checked", async () => {
    const result = await runEnvbot(["validate"], { cwd: path.join(projectRoot, "environments-template") });
    expect(result).toMatchObject({ code: 0, stdout: "1 environment definition valid\n", stderr: "" });
  });

  test("problems are printed as FILE:LINE:COL relative to where the user stands, and exit 1", async () => {
    const result = await runEnvbot(["validate", "--repo", "basic", "basic/environments/bad/ttl-not-duration.yaml", "basic/environments/bad/label-number.yaml"], {
      cwd: scratch,
    });
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      "basic/environments/bad/label-number.yaml:7:18: metadata.labels.cost-center: label values are strings: quote it, as in \"4711\"",
      "basic/environments/bad/ttl-not-duration.yaml:8:8: spec.ttl: 'two days' is not a duration like 72h (a whole number followed by m, h or d)",
      "",
    ]);
    expect(result.stderr).toBe("2 problems in 2 files (2 environment definitions checked)\n");
  });

  test("--json prints an array of {file, line, column, path, message} and nothing else", async () => {
    const badInRepo = path.join(scratchRepo, "environments", "bad");
    const result = await runEnvbot(["validate", "--json", "--repo", scratchRepo, path.join(badInRepo, "many-problems.yaml")], { cwd: badInRepo });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    const problems = JSON.parse(result.stdout) as unknown[];
    expect(problems).toHaveLength(5);
    expect(problems[0]).toEqual({
      file: "many-problems.yaml",
      line: 5,
      column: 10,
      path: "metadata.owner",
      message: "'nobody' is not a GitHub user or team: write @user or @org/team",
    });
  });

  test("--json on a clean repository prints an empty array", async () => {
    const result = await runEnvbot(["validate", "--json", "--repo", "environments-template"], { cwd: projectRoot });
    expect(result).toMatchObject({ code: 0, stdout: "[]\n", stderr: "" });
  });

  test("without FILE it checks every definition and every template of the repository", async () => {
    const result = await runEnvbot(["validate", "--repo", basic], { cwd: basic, env: { ENVBOT_SECRETS_ALLOW: "GOOD_*" } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("templates/broken/template.yaml:10:7: variables.properties.size.minimun: 'minimun' is not a JSON Schema keyword\n");
  });

  describe("usage errors exit 2 with a hint", () => {
    let empty: string;
    beforeAll(async () => {
      empty = await mkdtemp(path.join(tmpdir(), "envbot-empty-"));
    });
    afterAll(async () => {
      await rm(empty, { recursive: true, force: true });
    });

    test.each([
      [["validate", "--jsn"], "envbot validate: unknown option --jsn"],
      [["validate", "--repo", "/no/such/dir"], "envbot validate: no such directory: /no/such/dir"],
      [["validate", "missing.yaml"], "envbot validate: cannot read missing.yaml: no such file"],
      [["validate", "/etc/passwd"], `envbot validate: /etc/passwd is outside the repository ${tmpdir()}`],
      [["validate"], "envbot validate: the current directory is not an environments repository: it has no environments/ folder"],
      [["valdate"], "envbot: unknown command 'valdate'"],
    ])("envbot %j", async (argv, message) => {
      const result = await runEnvbot(argv, { cwd: empty });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")[0]).toContain(message);
    });
  });

  test("--help describes the options and exits 0", async () => {
    const result = await runEnvbot(["validate", "--help"], { cwd: projectRoot });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: envbot validate [--repo DIR] [--json] [FILE...]");
  });
});
