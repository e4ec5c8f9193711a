import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { runEnvbot } from "../../helpers/run-cli.js";

interface WorkflowStep {
  name?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}

async function readWorkflow(repo: string): Promise<{ on: string; jobs: { validate: { steps: WorkflowStep[] } } }> {
  return parse(await readFile(path.join(repo, ".github", "workflows", "envbot-validate.yml"), "utf8"));
}

/** GitHub's `${{ vars.NAME }}` and `${{ vars.NAME || 'fallback' }}`, as Actions evaluates them (an unset variable is ""). */
function evaluate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{\{\s*vars\.([A-Z_]+)(?:\s*\|\|\s*'([^']*)')?\s*\}\}/g, (_, name: string, fallback?: string) => vars[name] || fallback || "");
}

/**
 * Runs the workflow's step that installs envbot as the runner would (bash, the step's env, the
 * repository variables), with an `npm` on the PATH that only writes down how it was called.
 */
async function runInstallStep(repo: string, vars: Record<string, string>): Promise<{ code: number; output: string; npmCalls: string[] }> {
  const steps = (await readWorkflow(repo)).jobs.validate.steps;
  const install = steps.find((s) => s.run?.includes("npm "));
  if (!install?.run) throw new Error("the workflow has no step that runs npm");
  const bin = path.join(dir, "fake-bin");
  const calls = path.join(dir, "npm-calls");
  await mkdir(bin, { recursive: true });
  await writeFile(path.join(bin, "npm"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${calls}"\n`);
  await chmod(path.join(bin, "npm"), 0o755);
  const stepEnv = Object.fromEntries(Object.entries(install.env ?? {}).map(([name, value]) => [name, evaluate(String(value), vars)]));
  // GitHub's `shell: bash` (and its default on Linux runners) runs the script as bash -e.
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) =>
    execFile("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", evaluate(install.run!, vars)], { env: { PATH: `${bin}:${process.env.PATH}`, ...stepEnv } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
  const npmCalls = (await readFile(calls, "utf8").catch(() => "")).split("\n").filter(Boolean);
  return { code, output, npmCalls };
}

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
  const workflow = await readWorkflow(repo);
  expect(workflow.on).toBe("pull_request");
  expect(workflow.jobs.validate.steps.at(-1)).toEqual({ run: "envbot validate" });
});

// Issue 25, hole 17: the npm name `envbot` is not envbot's, so the workflow never installs it by default.
test("the written workflow, with the repository variable ENVBOT_PACKAGE unset, fails with what to set and installs nothing", async () => {
  expect((await runEnvbot(["init"], { cwd: dir })).code).toBe(0);
  const result = await runInstallStep(dir, {});
  expect(result.code).not.toBe(0);
  expect(result.output).toContain("::error::ENVBOT_PACKAGE is not set, so envbot was not installed. Set the repository variable ENVBOT_PACKAGE to an exact version of your own scoped package");
  expect(result.npmCalls).toEqual([]);
});

test("the written workflow installs only a pinned ENVBOT_PACKAGE, with no install scripts; a bare name or a range installs nothing", async () => {
  expect((await runEnvbot(["init"], { cwd: dir })).code).toBe(0);
  for (const spec of ["envbot", "envbot@latest", "@acme/envbot", "@acme/envbot@^0.1.0", "github:someone/envbot", "envbot@0.1.0", "https://example.com/envbot.tgz; curl evil"]) {
    const refused = await runInstallStep(dir, { ENVBOT_PACKAGE: spec });
    expect([spec, refused.code, refused.npmCalls]).toEqual([spec, 1, []]);
    expect(refused.output).toContain("::error::ENVBOT_PACKAGE is not pinned, so envbot was not installed.");
  }
  for (const spec of ["@acme/envbot@0.1.0", "https://github.com/acme/envbot/releases/download/v0.1.0/envbot-0.1.0.tgz", "./tools/envbot-0.1.0.tgz"]) {
    await rm(path.join(dir, "npm-calls"), { force: true });
    const installed = await runInstallStep(dir, { ENVBOT_PACKAGE: spec });
    expect([spec, installed.code, installed.npmCalls]).toEqual([spec, 0, [`install --global --ignore-scripts ${spec}`]]);
  }
});

test("envbot init --package writes that pinned envbot into the workflow, and refuses one that is not pinned", async () => {
  const refused = await runEnvbot(["init", "refused", "--package", "envbot"], { cwd: dir });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("--package takes envbot pinned to one build, an exact version of your own scoped package (@acme/envbot@0.1.0)");
  expect(refused.stderr).toContain("not 'envbot'");

  const written = await runEnvbot(["init", "pinned", "--package", "@acme/envbot@1.2.3"], { cwd: dir });
  expect(written.code).toBe(0);
  expect(written.stdout).toContain("(installs @acme/envbot@1.2.3)");
  // The repository variable no longer matters: the spec is in the workflow.
  const installed = await runInstallStep(path.join(dir, "pinned"), { ENVBOT_PACKAGE: "envbot" });
  expect(installed).toMatchObject({ code: 0, npmCalls: ["install --global --ignore-scripts @acme/envbot@1.2.3"] });
});

test("envbot init never overwrites: a directory with any starter file is refused, and left as it was", async () => {
  await writeFile(path.join(dir, ".gitignore"), "mine\n");
  const result = await runEnvbot(["init"], { cwd: dir });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("already has .gitignore: envbot init never overwrites");
  expect(await readFile(path.join(dir, ".gitignore"), "utf8")).toBe("mine\n");
  expect((await runEnvbot(["init", ".gitignore"], { cwd: dir })).stderr).toContain(".gitignore is a file, not a directory");
});
