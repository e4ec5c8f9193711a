import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { localRepoFiles } from "../../../src/adapters/local/local-repo-files.js";
import { prepareWorkDir } from "../../../src/adapters/terraform/prepare-work-dir.js";
import type { Environment } from "../../../src/core/environment/index.js";
import type { PlanRequest, RootModuleRequest } from "../../../src/core/ports/index.js";
import { validateEnvironments } from "../../../src/core/validation/index.js";

// A re-plan of an unchanged environment must not synthesize again (cdktf costs more than the
// plan of a small module), and any change to what the root module is made of must.

let root: string;
let repo: string;
let workDir: string;
const statePath = () => path.join(root, "state", "terraform.tfstate");
const aws = { region: "eu-west-1" };

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "envbot-prepare-"));
  repo = path.join(root, "repo");
  workDir = path.join(root, "work");
  await cp(path.join(__dirname_of(), "../../../environments-template"), repo, { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

function __dirname_of(): string {
  return path.dirname(new URL(import.meta.url).pathname);
}

async function request(overrides: Partial<RootModuleRequest> = {}): Promise<RootModuleRequest> {
  const files = localRepoFiles(repo);
  const report = await validateEnvironments({ repo: files, now: new Date("2026-12-01T00:00:00Z") });
  const environment = report.environments.find((e) => e.name === "sandbox") as Environment;
  return {
    repository: "acme/envs",
    environment,
    variables: { ...environment.template.variables.defaults, ...environment.variables },
    tags: { "envbot:environment": "sandbox", "envbot:expires-at": "2026-12-04T00:00:00.000Z" },
    state: report.config.state,
    templateFiles: files,
    ...overrides,
  };
}

const prepare = async (r: RootModuleRequest, settings = aws) => prepareWorkDir(r, workDir, statePath(), settings);
const rootModule = () => readFile(path.join(workDir, "cdk.tf.json"), "utf8");
const modified = async () => (await stat(path.join(workDir, "cdk.tf.json"))).mtimeMs;

test("the same request again writes nothing and keeps the init fingerprint", async () => {
  const first = await prepare(await request());
  const before = await modified();
  const second = await prepare(await request());
  expect(first.synthesized).toBe(true);
  expect(second).toEqual({ synthesized: false, initFingerprint: first.initFingerprint });
  expect(await modified()).toBe(before);
});

test("a drift check after a plan synthesizes nothing: a plan's mode and drift detail are Terraform's flags, not the root module", async () => {
  const plan: PlanRequest = { ...(await request()), mode: "normal" };
  expect((await prepare(plan)).synthesized).toBe(true);
  expect((await prepare({ ...plan, driftDetail: "all" } as PlanRequest)).synthesized).toBe(false);
  expect((await prepare({ ...plan, mode: "destroy" } as PlanRequest)).synthesized).toBe(false);
});

test("a changed template file is copied and synthesized afresh, and init runs again", async () => {
  const first = await prepare(await request());
  const mainTf = path.join(repo, "templates", "sandbox", "main.tf");
  await writeFile(mainTf, `${await readFile(mainTf, "utf8")}\n# changed\n`);
  const second = await prepare(await request());
  expect(second.synthesized).toBe(true);
  expect(second.initFingerprint).not.toBe(first.initFingerprint);
  expect(await readFile(path.join(workDir, "template", "main.tf"), "utf8")).toContain("# changed");
});

test("changed variables or server settings synthesize afresh; init is not needed for them", async () => {
  const first = await prepare(await request());
  const variables = await prepare(await request({ variables: { greeting: "changed", replicas: 2 } }));
  expect(variables.synthesized).toBe(true);
  expect(JSON.parse(await rootModule()).module.environment.greeting).toBe("changed");
  expect(variables.initFingerprint).toBe(first.initFingerprint);

  expect((await prepare(await request(), { region: "us-east-1" })).synthesized).toBe(true);
  expect((await prepare(await request(), { region: "us-east-1" })).synthesized).toBe(false);
});

test("new tags (an expiry that moves with each plan of an environment not yet applied) change the tags variable only", async () => {
  await prepare(await request());
  const before = await modified();
  const moved = { "envbot:environment": "sandbox", "envbot:expires-at": "2026-12-05T00:00:00.000Z" };
  expect((await prepare(await request({ tags: moved }))).synthesized).toBe(false);
  expect(await modified()).toBe(before);
  expect(JSON.parse(await readFile(path.join(workDir, "envbot-tags.auto.tfvars.json"), "utf8"))).toEqual({ envbot_tags: moved });
  // The provider and the module take them from that variable.
  expect(JSON.parse(await rootModule()).variable.envbot_tags).toMatchObject({ type: "map(string)" });
});

test("a root module removed behind envbot's back is written again", async () => {
  await prepare(await request());
  await rm(path.join(workDir, "cdk.tf.json"));
  expect((await prepare(await request())).synthesized).toBe(true);
  expect(JSON.parse(await rootModule()).module.environment.source).toBe("./template");
});
