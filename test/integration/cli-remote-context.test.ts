import { chmod, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { QueuedJob } from "../../src/core/ports/index.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { eventually } from "../helpers/eventually.js";
import { starterRepository } from "../helpers/fixtures.js";
import { freePort } from "../helpers/free-port.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { runEnvbot } from "../helpers/run-cli.js";

// The command line against a remote envbot: contexts keep the server and its API token, and
// status, history, logs and plan read and act through the real REST API over HTTP.

const REPO = "octo-org/environments";
const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;
let root: string;
let configDir: string;
let token: string;
/** What a worker of the server does with a queued plan, done by the test: a run that writes its log. */
let workerPlans: Promise<void>[];
/** What the test's envbot commands printed so far, as they print it (the worker above acts on it). */
let printed: { stdout: string; stderr: string };

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  github.install();
  github.permissions.set("alice", "write");
  github.commit("main", await starterRepository());
  workerPlans = [];
  printed = { stdout: "", stderr: "" };
  api = await startControlPlaneServer({ queue: { enqueue: async (job: QueuedJob) => (workerPlans.push(runPlanLater(job)), true) } });
  root = await mkdtemp(path.join(tmpdir(), "envbot-cli-remote-"));
  // A directory the command makes: its mode is the command's doing.
  configDir = path.join(root, "config");
  token = await api.tokenFor("alice", [REPO]);
});

afterEach(async () => {
  await Promise.all(workerPlans);
  await api.close();
  github.uninstall();
  mock.after();
  await rm(root, { recursive: true, force: true });
  expect(api.violations).toEqual([]);
});

const envbot = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  runEnvbot(argv, { cwd: root, env: { ENVBOT_CONFIG_DIR: configDir, ENVBOT_TOKEN: token, ...env }, onStdout: (text) => void (printed.stdout += text), onStderr: (text) => void (printed.stderr += text) });
const addProd = async () => expect((await envbot(["context", "add", "prod", api.origin, "--repository", REPO])).code).toBe(0);
const contextsFile = () => path.join(configDir, "contexts.json");

/** sandbox with a succeeded plan (its log kept) and a failed apply; search, active. */
async function seed(): Promise<{ plan: number; apply: number }> {
  const { store } = api;
  await store.upsertEnvironment({ repository: REPO, name: "sandbox", template: "sandbox", owner: "@octo-org/qa", status: "active", expiresAt: new Date("2026-12-04T10:00:00Z") });
  await store.upsertEnvironment({ repository: REPO, name: "search", template: "sandbox", owner: "rita", status: "planned" });
  const plan = await store.startRun({ repository: REPO, environment: "sandbox", kind: "plan", commit: "a".repeat(40), actor: "alice" });
  await store.appendRunLog(plan.id, ["Initializing the backend...", "Plan: 1 to add, 0 to change, 0 to destroy."]);
  await store.finishRun(plan.id, { outcome: "succeeded" });
  const apply = await store.startRun({ repository: REPO, environment: "sandbox", kind: "apply", commit: "b".repeat(40), actor: "rita" });
  await store.finishRun(apply.id, { outcome: "failed", error: "terraform apply failed: Error: creating bucket: AccessDenied", logExcerpt: "Error: creating bucket: AccessDenied" });
  return { plan: plan.id, apply: apply.id };
}

/**
 * A plan job run as a worker would, later than the command asked: its run starts once the command
 * waits for it to start, and its log is written once the command follows that run.
 */
async function runPlanLater(job: QueuedJob): Promise<void> {
  const payload = job.payload as { repository: string; environment: string; actor: { login: string } };
  await eventually("the command waiting for the plan to start", () => printed.stderr.includes("waiting for it to start...\n"));
  const run = await api.store.startRun({ repository: payload.repository, environment: payload.environment, kind: "plan", commit: github.headOf("main"), actor: payload.actor.login });
  await eventually("the command following the plan's run", () => printed.stderr.includes(`Run ${run.id}: plan of`));
  await api.store.appendRunLog(run.id, ["Initializing the backend...", "Plan: 1 to add, 0 to change, 0 to destroy."]);
  await api.store.finishRun(run.id, { outcome: "succeeded" });
}

describe("contexts", () => {
  test("adding one keeps its URL, token and repository in a file only its owner can read; the token is never printed", async () => {
    const added = await envbot(["context", "add", "prod", api.origin, "--repository", REPO]);
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toContain(`Added context prod: ${api.origin}, repository ${REPO} (current).`);
    expect((await stat(contextsFile())).mode & 0o777).toBe(0o600);
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(contextsFile(), "utf8"))).toEqual({ current: "prod", contexts: [{ name: "prod", url: api.origin, token, repository: REPO }] });

    const staging = await envbot(["context", "add", "staging", "https://envbot.example.com/", "--token-env", "STAGING_TOKEN"], { STAGING_TOKEN: await api.tokenFor("alice", [REPO]) });
    expect(staging.stdout).toContain("Added context staging: https://envbot.example.com.");
    const listed = await envbot(["context", "list"]);
    expect(listed.stdout.split("\n")).toEqual([
      expect.stringMatching(/^ +NAME +URL +REPOSITORY$/),
      expect.stringMatching(new RegExp(`^\\* prod +${api.origin} +${REPO}$`)),
      expect.stringMatching(/^ +staging +https:\/\/envbot\.example\.com +-$/),
      "",
    ]);
    expect((await envbot(["context", "use", "staging"])).stdout).toBe("Context staging is the current one.\n");
    expect((await envbot(["context"])).stdout).toMatch(/^\* staging/m);
    expect((await envbot(["context", "remove", "staging"])).code).toBe(0);
    expect((await envbot(["context", "list"])).stdout).not.toContain("staging");
    for (const result of [added, staging, listed]) expect(`${result.stdout}${result.stderr}`).not.toContain("envbot_");
  });

  test("a file others could read is tightened to 0600, and the owner is told", async () => {
    await addProd();
    await chmod(contextsFile(), 0o644);
    const listed = await envbot(["context", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain("was readable by others (mode 644); it is 600 now");
    expect((await stat(contextsFile())).mode & 0o777).toBe(0o600);
  });

  test("without a token in the environment or a terminal to ask on, adding is a usage error that says how to give it", async () => {
    const result = await envbot(["context", "add", "prod", api.origin], { ENVBOT_TOKEN: "" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no API token: set ENVBOT_TOKEN to it (or name another variable with --token-env), or run on a terminal to be asked for it");
    // On a terminal the token is asked for (and its answer checked, never repeated).
    const asked = await runEnvbot(["context", "add", "prod", api.origin], { cwd: root, env: { ENVBOT_CONFIG_DIR: configDir }, answers: ["not-a-token"] });
    expect(asked.questions).toEqual([`API token for prod (${api.origin}): `]);
    expect(asked).toMatchObject({ code: 2, stderr: expect.stringContaining("the answer does not hold an envbot API token") });
    expect(asked.stderr).not.toContain("not-a-token");
  });

  test("bad names, URLs and tokens are refused before anything is written", async () => {
    for (const [argv, message] of [
      [["context", "add", "Prod!", api.origin], "'Prod!' is not a context name"],
      [["context", "add", "prod", "ftp://example.com"], "must be http or https"],
      [["context", "add", "prod", "https://user:pw@example.com"], "must not carry a user or password"],
      [["context", "add", "prod", api.origin, "--repository", "not a repo"], "--repository takes OWNER/NAME"],
    ] as const) {
      expect(await envbot([...argv])).toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
    }
    expect(await envbot(["context", "add", "prod", api.origin], { ENVBOT_TOKEN: "ghp_secret" })).toMatchObject({ code: 2, stderr: expect.stringContaining("ENVBOT_TOKEN does not hold an envbot API token") });
    await expect(stat(contextsFile())).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("status, history and logs through a context", () => {
  test("status lists the server's environments of the context's repository, as the local table does", async () => {
    await seed();
    await addProd();
    const status = await envbot(["status", "--context", "prod"]);
    expect(status).toMatchObject({ code: 0, stderr: "" });
    const lines = status.stdout.split("\n");
    expect(lines[0]).toBe(`Environments of ${REPO} (context prod, ${api.origin}):`);
    expect(lines[1]).toMatch(/^NAME +STATUS +TEMPLATE +EXPIRES +UPDATED$/);
    expect(lines[2]).toMatch(/^sandbox +active +sandbox +2026-12-04T10:00:00.000Z +\d{4}-/);
    expect(lines[3]).toMatch(/^search +planned +sandbox +- +\d{4}-/);
    const json = JSON.parse((await envbot(["status", "--json"], { ENVBOT_CONTEXT: "prod" })).stdout) as { name: string; lastRun: { kind: string } | null }[];
    expect(json.map((item) => [item.name, item.lastRun?.kind ?? null])).toEqual([
      ["sandbox", "apply"],
      ["search", null],
    ]);
  });

  test("an environment NAME the server does not have is a failure, exit 1, with the name meant", async () => {
    await seed();
    await addProd();
    const status = await envbot(["status", "search", "--context", "prod"]);
    expect(status).toMatchObject({ code: 0, stderr: "" });
    expect(status.stdout.split("\n").slice(2)).toEqual([expect.stringMatching(/^search +planned +sandbox +- +\d{4}-/), ""]);
    for (const command of ["status", "history", "logs"]) {
      expect(await envbot([command, "sandbx", "--context", "prod"])).toMatchObject({ code: 1, stdout: "", stderr: `envbot ${command}: envbot has no environment 'sandbx' in ${REPO}; did you mean 'sandbox'?\n` });
    }
  });

  test("history lists an environment's runs, newest first, with outcome, actor, commit and error", async () => {
    const { plan, apply } = await seed();
    await addProd();
    const history = await envbot(["history", "sandbox", "--context", "prod"]);
    expect(history).toMatchObject({ code: 0, stderr: "" });
    expect(history.stdout.split("\n")).toEqual([
      `Runs of sandbox in ${REPO}:`,
      expect.stringMatching(/^RUN +KIND +OUTCOME +ACTOR +COMMIT +STARTED +DURATION +ERROR$/),
      expect.stringMatching(new RegExp(`^${apply} +apply +failed +rita +bbbbbbb +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +\\d+s +terraform apply failed: Error: creating bucket: AccessDenied$`)),
      expect.stringMatching(new RegExp(`^${plan} +plan +succeeded +alice +aaaaaaa +\\S+ +\\d+s$`)),
      "",
    ]);
    const json = JSON.parse((await envbot(["history", "sandbox", "--context", "prod", "--limit", "1", "--json"])).stdout);
    expect(json).toEqual([expect.objectContaining({ id: apply, kind: "apply", outcome: "failed", commit: "b".repeat(40), error: expect.stringContaining("AccessDenied") })]);
  });

  test("logs prints a run's kept lines by its id, and the latest run's by the environment's name", async () => {
    const { plan, apply } = await seed();
    await addProd();
    const byId = await envbot(["logs", String(plan), "--context", "prod"]);
    expect(byId).toMatchObject({ code: 0, stdout: "Initializing the backend...\nPlan: 1 to add, 0 to change, 0 to destroy.\n" });
    expect(byId.stderr).toMatch(new RegExp(`^Run ${plan}: plan of sandbox at aaaaaaa by alice, started \\S+ \\(succeeded\\)\n$`));
    // The apply kept no lines: its excerpt stands in.
    const latest = await envbot(["logs", "sandbox", "--context", "prod"]);
    expect(latest).toMatchObject({ code: 0, stdout: "Error: creating bucket: AccessDenied\n", stderr: expect.stringContaining(`Run ${apply}: apply of sandbox`) });
    expect(await envbot(["logs", "999999", "--context", "prod"])).toMatchObject({ code: 1, stderr: "envbot logs: there is no run 999999\n" });
  });

  test("logs --follow prints the lines a running run writes until it ends, then exits with its outcome", async () => {
    await seed();
    await addProd();
    const run = await api.store.startRun({ repository: REPO, environment: "sandbox", kind: "apply", actor: "alice" });
    await api.store.appendRunLog(run.id, ["Initializing the backend..."]);
    let exited = false;
    const following = envbot(["logs", "sandbox", "--context", "prod", "--follow"]).finally(() => (exited = true));
    // Lines are written once the command has printed the ones before: it reads while the run goes on.
    await eventually("the kept line printed", () => printed.stdout.includes("Initializing the backend...\n"));
    await api.store.appendRunLog(run.id, ["aws_s3_bucket.site: Creating...", "aws_s3_bucket.site: Creation complete after 2s"]);
    await eventually("the lines written while following printed", () => printed.stdout.includes("Creation complete after 2s\n"));
    expect(exited).toBe(false);
    await api.store.finishRun(run.id, { outcome: "failed", error: "terraform apply failed: Error: creating bucket policy" });
    const result = await following;
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("Initializing the backend...\naws_s3_bucket.site: Creating...\naws_s3_bucket.site: Creation complete after 2s\n");
    expect(result.stderr).toContain(`Run ${run.id}: apply of sandbox by alice`);
    expect(result.stderr).toMatch(new RegExp(`Run ${run.id} failed after \\d+s: terraform apply failed: Error: creating bucket policy\n$`));
  });

  test("plan queues a plan on the server, waits for its run and follows its log; the exit status is the run's", async () => {
    await seed();
    await addProd();
    const result = await envbot(["plan", "sandbox", "--context", "prod"]);
    expect(result.stderr).toContain(`Queued a plan of sandbox in ${REPO} at the head of main (context prod); waiting for it to start...`);
    expect(result).toMatchObject({ code: 0, stdout: "Initializing the backend...\nPlan: 1 to add, 0 to change, 0 to destroy.\n" });
    expect(result.stderr).toMatch(/Run \d+ succeeded after \d+s\.\n$/);
    expect((await api.store.listAudit({ limit: 5 })).map((e) => `${e.actor} ${e.source} ${e.action} ${e.outcome}`)).toEqual(["alice api-token plan queued"]);
  });
});

describe("failures say what to do", () => {
  test("a revoked token: the server does not accept it, exit 1, and the token is not printed", async () => {
    await seed();
    await addProd();
    const [record] = await api.store.listApiTokens("alice");
    await api.store.revokeApiToken(record!.id, "alice");
    const result = await envbot(["status", "--context", "prod"]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toBe(
      `envbot status: the server at ${api.origin} does not accept the API token of context prod (this API token is not known (or was revoked)); add the context again with a valid token: envbot context add prod ${api.origin}\n`,
    );
    expect(result.stderr).not.toContain(token);
  });

  test("a reader's token may not plan, and the refusal says why; a repository the token is not for shows nothing", async () => {
    await seed();
    await addProd();
    github.permissions.set("rita", "read");
    const ritaToken = await api.tokenFor("rita", [REPO]);
    await envbot(["context", "add", "reader", api.origin, "--repository", REPO], { ENVBOT_TOKEN: ritaToken });
    const refused = await envbot(["plan", "sandbox", "--context", "reader"]);
    expect(refused).toMatchObject({ code: 1, stderr: `envbot plan: the API token of context reader is not allowed to do this: plan needs write permission on ${REPO}; rita has read\n` });
    const elsewhere = await envbot(["status", "--context", "prod", "--github", "octo-org/other"]);
    expect(elsewhere).toMatchObject({ code: 0, stdout: expect.stringContaining("No environments yet") });
  });

  test("a context that does not exist is a usage error, from --context or ENVBOT_CONTEXT", async () => {
    await addProd();
    expect(await envbot(["status", "--context", "nope"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--context names no context 'nope': the contexts are prod") });
    expect(await envbot(["history", "sandbox"], { ENVBOT_CONTEXT: "nope" })).toMatchObject({ code: 2, stderr: expect.stringContaining("ENVBOT_CONTEXT names no context 'nope'") });
    expect(await envbot(["context", "use", "nope"])).toMatchObject({ code: 2, stderr: expect.stringContaining("there is no context 'nope': the contexts are prod") });
  });

  test("without a repository, the commands that need one say how to name it", async () => {
    expect((await envbot(["context", "add", "bare", api.origin])).code).toBe(0);
    expect(await envbot(["history", "sandbox", "--context", "bare"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("which repository? Give --github OWNER/NAME, or add context bare again with --repository OWNER/NAME"),
    });
    expect(await envbot(["status", "--context", "bare", "--repo", "."])).toMatchObject({ code: 2, stderr: expect.stringContaining("--repo is a local checkout") });
  });

  test("a server that cannot be reached is named", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    expect((await envbot(["context", "add", "down", down, "--repository", REPO])).code).toBe(0);
    expect(await envbot(["status", "--context", "down"])).toMatchObject({ code: 1, stderr: `envbot status: could not reach the envbot server at ${down} (context down): ECONNREFUSED\n` });
  });

  test("with ENVBOT_CONTEXT set, apply and destroy refuse rather than change this machine's environments", async () => {
    await addProd();
    for (const verb of ["apply", "destroy"]) {
      expect(await envbot([verb, "sandbox", "--yes"], { ENVBOT_CONTEXT: "prod" })).toMatchObject({ code: 2, stderr: expect.stringContaining(`ENVBOT_CONTEXT is set (prod), but ${verb} acts only on this machine`) });
    }
  });

  test("a current context does not turn local commands remote: status without --context reads this machine", async () => {
    await addProd();
    const repoDir = path.join(root, "repo");
    await mkdir(path.join(repoDir, "environments"), { recursive: true });
    const local = await envbot(["status", "--repo", repoDir], { ENVBOT_DATA_DIR: path.join(root, "data"), HOME: root });
    expect(local).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Environments of \/.*\/repo \(data directory .*data\):\nNo environments yet: plan and apply one/) });
  });
});
