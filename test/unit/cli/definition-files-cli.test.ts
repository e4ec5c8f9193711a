import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { definitionYaml } from "../../helpers/engine-sandbox.js";
import { projectRoot } from "../../helpers/fixtures.js";
import { runEnvbot } from "../../helpers/run-cli.js";

// One rule for which files are definitions (.yaml and .yml), and one environment per name.

let root: string;
let repo: string;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: repo, env: { PATH: process.env.PATH, HOME: root, ENVBOT_DATA_DIR: path.join(root, "data") } });
const write = (file: string, text: string) => writeFile(path.join(repo, "environments", file), text);

const TWICE = "metadata.name: environment 'hij' is defined twice: environments/hij.yaml and environments/hij.yml; keep one";

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "envbot-defs-"));
  repo = path.join(root, "repo");
  await cp(path.join(projectRoot, "environments-template"), repo, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

test("a .yml definition is validated like a .yaml one", async () => {
  await write("solo.yml", definitionYaml("solo", "sandbox", "  ttl: 24h\n"));
  const result = await envbot(["validate"]);
  expect(result).toMatchObject({ code: 0, stdout: "2 environment definitions valid\n", stderr: "" });
});

describe("hij.yaml and hij.yml in one repository", () => {
  beforeEach(async () => {
    await write("hij.yaml", definitionYaml("hij", "sandbox", "  protected: true\n"));
    await write("hij.yml", definitionYaml("hij", "sandbox", "  ttl: 1h\n"));
  });

  test("`envbot validate` reports the duplicate at metadata.name of both files", async () => {
    const result = await envbot(["validate"]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([`environments/hij.yaml:4:9: ${TWICE}`, `environments/hij.yml:4:9: ${TWICE}`, ""]);
  });

  test("`envbot validate FILE` of either file reports it at both too", async () => {
    for (const file of ["environments/hij.yml", "environments/hij.yaml"]) {
      const result = await envbot(["validate", file]);
      expect([file, result.code]).toEqual([file, 1]);
      expect(result.stdout.split("\n")).toEqual([`environments/hij.yaml:4:9: ${TWICE}`, `environments/hij.yml:4:9: ${TWICE}`, ""]);
    }
  });

  test("`envbot plan hij` refuses to plan and shows both places", async () => {
    const result = await envbot(["plan", "hij"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([`environments/hij.yaml:4:9: ${TWICE}`, `environments/hij.yml:4:9: ${TWICE}`, ""]);
  });
});
