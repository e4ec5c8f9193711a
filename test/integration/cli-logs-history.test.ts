import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { environmentKey } from "../../src/core/engine/index.js";
import type { Store } from "../../src/core/ports/index.js";
import { eventually } from "../helpers/eventually.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot history` and `envbot logs` on this machine: the runs and log lines the data directory's
// SQLite store keeps, as another envbot process (the App, another command) wrote them.

let root: string;
let repoDir: string;
let repository: string;
let dataDir: string;
let store: Store;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "envbot-cli-runs-"));
  repoDir = path.join(root, "repo");
  dataDir = path.join(root, "data");
  await mkdir(path.join(repoDir, "environments"), { recursive: true });
  await mkdir(dataDir);
  repository = await realpath(repoDir);
  store = openSqliteStore({ file: path.join(dataDir, "envbot.db") });
});

afterEach(async () => {
  await store.close();
  await rm(root, { recursive: true, force: true });
});

const envbot = (argv: string[], onStdout?: (text: string) => void) => runEnvbot(argv, { cwd: repoDir, env: { PATH: process.env.PATH, HOME: root, USER: "tester", ENVBOT_DATA_DIR: dataDir }, onStdout });

/** A succeeded plan with its whole log kept, then a failed apply that kept only an excerpt. */
async function seed(): Promise<{ plan: number; apply: number }> {
  await store.upsertEnvironment({ repository, name: "sandbox", template: "sandbox", owner: "@acme/qa", status: "failed" });
  const plan = await store.startRun({ repository, environment: "sandbox", kind: "plan", actor: "cli:tester" });
  await store.appendRunLog(plan.id, ["Initializing the backend...", "Plan: 1 to add, 0 to change, 0 to destroy."]);
  await store.finishRun(plan.id, { outcome: "succeeded" });
  const apply = await store.startRun({ repository, environment: "sandbox", kind: "apply", actor: "cli:tester" });
  await store.finishRun(apply.id, { outcome: "failed", error: "terraform apply failed: Error: creating bucket\nwith more detail", logExcerpt: "Error: creating bucket" });
  return { plan: plan.id, apply: apply.id };
}

test("history lists the environment's runs of this checkout, newest first", async () => {
  const { plan, apply } = await seed();
  const history = await envbot(["history", "sandbox"]);
  expect(history).toMatchObject({ code: 0, stderr: "" });
  expect(history.stdout.split("\n")).toEqual([
    `Runs of sandbox in ${repository}:`,
    expect.stringMatching(/^RUN +KIND +OUTCOME +ACTOR +COMMIT +STARTED +DURATION +ERROR$/),
    // The first line of the error only: the rest is in its log.
    expect.stringMatching(new RegExp(`^${apply} +apply +failed +cli:tester +- +\\S+Z +\\d+s +terraform apply failed: Error: creating bucket$`)),
    expect.stringMatching(new RegExp(`^${plan} +plan +succeeded +cli:tester +- +\\S+Z +\\d+s$`)),
    "",
  ]);
  expect(JSON.parse((await envbot(["history", "sandbox", "--limit", "1", "--json"])).stdout)).toEqual([
    { id: apply, repository, environment: "sandbox", kind: "apply", commit: null, actor: "cli:tester", startedAt: expect.any(String), finishedAt: expect.any(String), outcome: "failed", error: expect.stringContaining("creating bucket") },
  ]);
  expect(await envbot(["history", "other"])).toMatchObject({ code: 1, stdout: "", stderr: `envbot history: envbot has no environment 'other' in ${repository}; the environments there are: sandbox\n` });
  await store.upsertEnvironment({ repository, name: "other", template: "sandbox", owner: "@acme/qa", status: "planned" });
  expect((await envbot(["history", "other"])).stdout).toContain("No runs of other yet.");
  expect(await envbot(["history", "sandbox", "--limit", "0"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--limit takes a whole number from 1 to 1000") });
});

test("logs prints a run's kept lines by id, the latest run's by name, and an excerpt when no lines were kept", async () => {
  const { plan, apply } = await seed();
  const byId = await envbot(["logs", String(plan)]);
  expect(byId).toMatchObject({ code: 0, stdout: "Initializing the backend...\nPlan: 1 to add, 0 to change, 0 to destroy.\n" });
  expect(byId.stderr).toMatch(new RegExp(`^Run ${plan}: plan of sandbox by cli:tester, started \\S+ \\(succeeded\\)\n$`));
  const latest = await envbot(["logs", "sandbox"]);
  expect(latest).toMatchObject({ code: 0, stdout: "Error: creating bucket\n", stderr: expect.stringContaining(`Run ${apply}: apply of sandbox`) });
  expect(await envbot(["logs", "999"])).toMatchObject({ code: 1, stderr: "envbot logs: there is no run 999\n" });
  expect(await envbot(["logs", "nothing"])).toMatchObject({ code: 1, stderr: `envbot logs: envbot has no environment 'nothing' in ${repository}; the environments there are: sandbox\n` });
  await store.upsertEnvironment({ repository, name: "nothing", template: "sandbox", owner: "@acme/qa", status: "planned" });
  expect(await envbot(["logs", "nothing"])).toMatchObject({ code: 1, stderr: "envbot logs: nothing has no runs yet\n" });
  expect(await envbot(["logs", "Not_A_Name"])).toMatchObject({ code: 2, stderr: expect.stringContaining("'Not_A_Name' is neither a run id nor an environment name") });
});

test("logs --follow prints what a running run writes until it ends, then exits with its outcome", async () => {
  await seed();
  // As a running operation does: it holds the environment's lease, so no envbot takes it for dead.
  const lease = await store.acquireLease(environmentKey(repository, "sandbox"), "cli:tester plan", 60_000);
  expect(lease.acquired).toBe(true);
  const run = await store.startRun({ repository, environment: "sandbox", kind: "plan", actor: "cli:tester" });
  await store.appendRunLog(run.id, ["Initializing the backend..."]);
  let exited = false;
  let printed = "";
  const following = envbot(["logs", "sandbox", "--follow"], (text) => void (printed += text)).finally(() => (exited = true));
  // Each line is written once the follower has printed the one before: it reads while the run goes on.
  await eventually("the kept line printed", () => printed.includes("Initializing the backend...\n"));
  await store.appendRunLog(run.id, ["terraform_data.sandbox: Refreshing state..."]);
  await eventually("the line written while following printed", () => printed.includes("Refreshing state...\n"));
  expect(exited).toBe(false);
  await store.appendRunLog(run.id, ["Plan: 1 to add, 0 to change, 0 to destroy."]);
  await store.finishRun(run.id, { outcome: "succeeded" });
  const result = await following;
  expect(result).toMatchObject({ code: 0, stdout: "Initializing the backend...\nterraform_data.sandbox: Refreshing state...\nPlan: 1 to add, 0 to change, 0 to destroy.\n" });
  expect(result.stderr).toMatch(new RegExp(`^Run ${run.id}: plan of sandbox by cli:tester, started \\S+ \\(running\\)\nRun ${run.id} succeeded after \\d+s\\.\n$`));
  // A finished failed run: printed at once, exit 1.
  const [, failed] = await store.listRuns(repository, "sandbox", 2);
  expect(await envbot(["logs", String(failed!.id), "--follow"])).toMatchObject({ code: 1, stderr: expect.stringContaining(`Run ${failed!.id} failed after`) });
});

test("help for history, logs and context; the command list names them", async () => {
  expect((await envbot(["history", "--help"])).stdout).toContain("Usage: envbot history NAME");
  expect((await envbot(["logs", "--help"])).stdout).toContain("Usage: envbot logs RUN|NAME");
  expect((await envbot(["context", "--help"])).stdout).toContain("mode 0600");
  const usage = (await envbot(["--help"])).stdout;
  for (const name of ["history", "logs", "context"]) expect(usage).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
});
