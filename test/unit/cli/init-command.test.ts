import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { runEnvbot } from "../../helpers/run-cli.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-init-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("envbot init writes a starter repository that validates, with a .gitignore and a validate workflow", async () => {
  const result = await runEnvbot(["init", "my-envs"], { cwd: dir });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`Wrote a starter environments repository to ${path.join(dir, "my-envs")}`);
  expect(result.stdout).toContain(`envbot validate --repo ${path.join(dir, "my-envs")}`);

  const repo = path.join(dir, "my-envs");
  expect(await runEnvbot(["validate", "--repo", repo], { cwd: dir })).toMatchObject({ code: 0, stdout: "1 environment definition valid\n" });
  expect(await readFile(path.join(repo, ".gitignore"), "utf8")).toContain(".terraform/");
  const workflow = parse(await readFile(path.join(repo, ".github", "workflows", "envbot-validate.yml"), "utf8")) as {
    on: string;
    jobs: { validate: { steps: { run?: string }[] } };
  };
  expect(workflow.on).toBe("pull_request");
  expect(workflow.jobs.validate.steps.map((s) => s.run).filter(Boolean)).toEqual([`npm install --global "\${{ vars.ENVBOT_PACKAGE || 'envbot' }}"`, "envbot validate"]);
});

test("envbot init never overwrites: a directory with any starter file is refused, and left as it was", async () => {
  await writeFile(path.join(dir, ".gitignore"), "mine\n");
  const result = await runEnvbot(["init"], { cwd: dir });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("already has .gitignore: envbot init never overwrites");
  expect(await readFile(path.join(dir, ".gitignore"), "utf8")).toBe("mine\n");
  expect((await runEnvbot(["init", ".gitignore"], { cwd: dir })).stderr).toContain(".gitignore is a file, not a directory");
});
