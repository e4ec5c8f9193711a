import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { locations } from "../../src/adapters/terraform/cli-terraform-runner.js";
import { repositoryStorageKey } from "../../src/adapters/terraform/repository-storage-key.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// A local checkout is identified by its path: two repositories on one data directory never
// share an environment, even with the same name. Real terraform on the sandbox template.

let first: EngineSandbox;
let second: EngineSandbox;
const envbot = (sandbox: EngineSandbox, argv: string[]) =>
  runEnvbot(argv, { cwd: sandbox.repoDir, env: { ...sandbox.env, ENVBOT_DATA_DIR: first.dataDir }, now: new Date() });
const statusOf = async (sandbox: EngineSandbox) => JSON.parse((await envbot(sandbox, ["status", "--json"])).stdout) as { name: string; status: string }[];

beforeAll(async () => {
  first = await createEngineSandbox();
  second = await createEngineSandbox();
  await first.writeDefinition("sandbox", definitionYaml("sandbox", "sandbox", "  variables:\n    greeting: from the first\n"));
  await second.writeDefinition("sandbox", definitionYaml("sandbox", "sandbox", "  variables:\n    greeting: from the second\n"));
});
afterAll(async () => {
  await first.cleanup();
  await second.cleanup();
});

test("two repositories with an environment of the same name keep separate state and records", async () => {
  expect((await envbot(first, ["apply", "sandbox", "--yes"])).code).toBe(0);
  expect((await envbot(second, ["apply", "sandbox", "--yes"])).code).toBe(0);
  const stateOf = (sandbox: EngineSandbox) => readFile(locations(first.dataDir, sandbox.repository, "sandbox").statePath, "utf8");
  expect(await stateOf(first)).toContain("from the first");
  expect(await stateOf(second)).toContain("from the second");

  expect((await envbot(second, ["destroy", "sandbox", "--yes"])).code).toBe(0);
  expect(await statusOf(first)).toMatchObject([{ name: "sandbox", status: "active" }]);
  expect(await statusOf(second)).toMatchObject([{ name: "sandbox", status: "destroyed" }]);
  expect(await stateOf(first)).toContain("from the first");
  // The first one's plan still sees its own environment, unchanged.
  expect(JSON.parse((await envbot(first, ["plan", "sandbox", "--json"])).stdout)).toMatchObject({ hasChanges: false });
});

test("--github names a GitHub repository in any case: the records and state of the name the App recorded", async () => {
  // The App records octo-org/alpha as GitHub spells it; an operator types Octo-Org/Alpha.
  expect((await envbot(first, ["apply", "sandbox", "--github", "octo-org/alpha", "--yes"])).code).toBe(0);
  expect(JSON.parse((await envbot(first, ["status", "--github", "Octo-Org/Alpha", "--json"])).stdout)).toMatchObject([{ name: "sandbox", status: "active" }]);
  expect(JSON.parse((await envbot(first, ["plan", "sandbox", "--github", "OCTO-ORG/alpha", "--json"])).stdout)).toMatchObject({ hasChanges: false });
  expect((await envbot(first, ["destroy", "sandbox", "--github", "Octo-Org/Alpha", "--yes"])).code).toBe(0);
  expect(JSON.parse((await envbot(first, ["status", "--github", "octo-org/alpha", "--json"])).stdout)).toMatchObject([{ name: "sandbox", status: "destroyed" }]);
});

test("status says which repository and data directory it shows", async () => {
  const result = await envbot(first, ["status"]);
  expect(result.stdout.split("\n")[0]).toBe(`Environments of ${first.repository} (data directory ${first.dataDir}):`);
});

test("status, plan and reconcile of a folder that is not an environments repository are usage errors", async () => {
  const folder = await mkdtemp(path.join(tmpdir(), "envbot-not-a-repo-"));
  try {
    await mkdir(path.join(folder, "docs"));
    for (const argv of [["status"], ["plan", "sandbox"], ["reconcile", "--once"]]) {
      const result = await runEnvbot([...argv, "--repo", folder], { cwd: first.repoDir, env: first.env });
      expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining("is not an environments repository: it has no environments/ folder") });
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test("a local repository's storage key names its folder and a hash of its path, never the path", () => {
  expect(repositoryStorageKey("/home/alice/envs")).toMatch(/^local\/envs-[0-9a-f]{12}$/);
  expect(repositoryStorageKey("/home/alice/envs")).not.toBe(repositoryStorageKey("/home/bob/envs"));
  expect(repositoryStorageKey("acme/environments")).toBe("acme/environments");
  for (const bad of ["local", "a/../b", "../x", "a/b/c"]) expect(() => repositoryStorageKey(bad)).toThrow("invalid repository name");
});
