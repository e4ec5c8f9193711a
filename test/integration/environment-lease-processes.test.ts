import { spawn } from "node:child_process";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { descendantsOf, isRunning } from "../helpers/envbot-app-process.js";
import { eventually } from "../helpers/eventually.js";
import { projectRoot } from "../helpers/fixtures.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Two envbot processes on one environment at once (the built bin/envbot.js, as users run it):
// the lease in the store makes the second wait its turn instead of colliding on Terraform's state.

let sandbox: EngineSandbox;

beforeAll(async () => {
  sandbox = await createEngineSandbox({ templates: ["brief-apply"] });
  await sandbox.writeDefinition("brief", definitionYaml("brief", "brief-apply"));
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** Starts `envbot ARGS` as a process; `output` resolves when it exits. */
function envbotProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), ...args], { cwd: sandbox.repoDir, env: { ...sandbox.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const output = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
  return { child, output, stderr: () => stderr };
}

test("a plan started while another process applies the same environment waits for it, then plans against the applied state", async () => {
  const apply = envbotProcess(["apply", "brief", "--yes"]);
  await eventually("the apply creating", () => apply.stderr().includes("Creating..."));
  // Terraform's own state lock would make the plan fail after 1 s: the lease must keep it waiting before that.
  const plan = envbotProcess(["plan", "brief", "--json"], { ENVBOT_STATE_LOCK_TIMEOUT: "1s" });
  const [applied, planned] = await Promise.all([apply.output, plan.output]);

  expect(applied.code).toBe(0);
  expect(planned.stderr).toContain("waiting: brief is busy with cli:tester apply since");
  expect(planned.code).toBe(0);
  expect(JSON.parse(planned.stdout)).toMatchObject({ hasChanges: false });

  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    const runs = (await store.listRuns(sandbox.repository, "brief")).reverse();
    // The waiting plan ran after the apply had finished: never two Terraform processes on one state.
    const applyRun = runs.find((r) => r.kind === "apply")!;
    const lastPlan = runs.at(-1)!;
    expect(lastPlan).toMatchObject({ kind: "plan", outcome: "succeeded" });
    expect(lastPlan.startedAt.getTime()).toBeGreaterThanOrEqual(applyRun.finishedAt!.getTime());
  } finally {
    await store.close();
  }
});

test("an envbot killed (SIGKILL) while Terraform applies: the next command closes the run as interrupted, and expiry still covers the environment", async () => {
  const env = { ENVBOT_LEASE_TTL: "2s" };
  await sandbox.writeDefinition("crashy", definitionYaml("crashy", "brief-apply", "  ttl: 1h\n"));
  const apply = envbotProcess(["apply", "crashy", "--yes"], env);
  await eventually("the apply creating", () => apply.stderr().includes("Creating..."));
  const terraform = descendantsOf(apply.child.pid!);
  expect(terraform.length).toBeGreaterThan(0);
  apply.child.kill("SIGKILL");
  await apply.output;
  // Its terraform (sleep 4) lives on, orphaned, and finishes on its own.
  await eventually("the orphaned terraform finished", () => !terraform.some(isRunning));

  const cli = (argv: string[], now = new Date()) => runEnvbot(argv, { cwd: sandbox.repoDir, env: { ...sandbox.env, ...env }, now });
  // Until the dead process's lease expires (2 s), a command takes the apply for running; the first one after that recovers it.
  let status!: Awaited<ReturnType<typeof cli>>;
  await eventually("a command that finds the apply interrupted", async () => (status = await cli(["status", "--json"])).stderr.includes("was interrupted"));
  expect(status.stderr).toMatch(/envbot: the apply of crashy \(run \d+, started .*\) was interrupted: the envbot process running this apply stopped before Terraform finished; the environment may be partly changed/);
  const listed = JSON.parse(status.stdout) as { name: string; status: string; firstAppliedAt: string | null; lastRun: { outcome: string } }[];
  expect(listed.find((e) => e.name === "crashy")).toMatchObject({ status: "failed", firstAppliedAt: expect.any(String), lastRun: { outcome: "interrupted" } });
  // Told once: the next command has nothing left to recover.
  expect((await cli(["status"])).stderr).not.toContain("interrupted");

  const later = new Date(Date.now() + 2 * 3600_000);
  const sweep = await cli(["reconcile", "--once", "--dry-run", "--only", "expiry", "--json", "--now", later.toISOString()], later);
  expect(JSON.parse(sweep.stdout)).toContainEqual(expect.objectContaining({ name: "crashy", action: "destroy" }));
});
