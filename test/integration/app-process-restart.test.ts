import { jest } from "@jest/globals";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { COMMENT_MARKER, APPLY_COMMENT_MARKER } from "../../src/render/pull-request-comment.js";
import { sha, starterRepository } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually, startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";

// The App as a process of its own (node dist/composition/main-embedded.js), stopped for real: its jobs are data kept
// in the SQLite file, and the next process finishes or reports what the stopped one was doing.
// GitHub is the FakeGitHub of this test process, reached over HTTP (GHE_HOST).
jest.setTimeout(240_000);

const mock = setupGitHubMock();
let root: string;
let github: FakeGitHub;
let githubHttp: GitHubOverHttp;
let env: NodeJS.ProcessEnv;
const running: AppProcess[] = [];

beforeEach(async () => {
  mock.before();
  root = await mkdtemp(path.join(tmpdir(), "envbot-restart-"));
  github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
  github.install();
  github.permissions.set("octocat", "write");
  // Each start lists the installations for the reconcile schedules: none here.
  githubApi().get("/app/installations").query(true).reply(200, []).persist();
  githubHttp = await serveGitHubOverHttp();
  env = {
    ENVBOT_DATA_DIR: path.join(root, "data"),
    TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR }),
    GHE_HOST: githubHttp.host,
    // A killed holder's lease frees this soon (the default is minutes).
    ENVBOT_LEASE_TTL: "2s",
  };
});
afterEach(async () => {
  for (const app of running.splice(0)) await app.killAll();
  await githubHttp.close();
  github.uninstall();
  await rm(root, { recursive: true, force: true });
  mock.after();
});

async function start(): Promise<AppProcess> {
  const app = await startAppProcess(env);
  running.push(app);
  return app;
}

async function stopped(app: AppProcess, how: "kill" | "stop"): Promise<void> {
  running.splice(running.indexOf(app), 1);
  await (how === "kill" ? app.killAll() : app.stop());
}

async function deliver(app: AppProcess, event: ReturnType<typeof pullRequestEvent>): Promise<void> {
  const answer = await deliverWebhook({ url: app.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...event });
  expect(answer.status).toBe(200); // acknowledged
}

async function settled(app: AppProcess): Promise<void> {
  await eventually("the App's queue is empty", async () => {
    const depth = await app.queueDepth();
    return depth.queued === 0 && depth.running === 0;
  });
}

function openPullRequest(number: number, environment: string, template: string, extraTemplates: string[] = []) {
  return starterRepository(extraTemplates).then((main) => {
    github.commit(sha("main0"), main);
    github.commit("main", main);
    const head = { ...main, [`environments/${environment}.yaml`]: definitionYaml(environment, template, "  ttl: 24h\n") };
    github.commit(sha(`head${number}`), head);
    github.pullRequests.set(number, { number, headSha: sha(`head${number}`), baseSha: sha("main0"), author: "octocat", files: [{ filename: `environments/${environment}.yaml`, status: "added" }] });
    return head;
  });
}

test("a webhook acknowledged before its plan ran is planned after the App is killed and started again, once", async () => {
  await openPullRequest(1, "preview", "sandbox");
  // The job stops at its first question about the pull request, and the App is killed there.
  const held = githubHttp.hold(new RegExp(`^GET /repos/${github.fullName}/pulls/1/files`));
  const first = await start();
  await deliver(first, pullRequestEvent({ action: "opened", number: 1, headSha: sha("head1"), baseSha: sha("main0") }));
  await held.arrived;
  await stopped(first, "kill");
  held.release();
  expect(github.botComments(1)).toEqual([]);

  const second = await start();
  // The App says what it is when it starts.
  await eventually("the App's start line", () => second.output().includes(`envbot started: data directory ${env.ENVBOT_DATA_DIR} (SQLite envbot.db: records, jobs, events); up to 2 Terraform operations at once`), 10_000);
  await eventually("the plan comment", () => github.botComments(1).some((c) => c.body.includes(COMMENT_MARKER)));
  await settled(second);
  expect(github.botComments(1)).toHaveLength(1);
  expect(github.botComments(1)[0]!.body).toContain("1 to add, 0 to change, 0 to destroy");
  expect(github.checks("envbot plan: preview")).toMatchObject([{ head_sha: sha("head1"), status: "completed", conclusion: "success" }]);
  // Events out: the plan's event reached the server log through the outbox.
  await eventually("the planned event in the log", () => second.output().includes(`envbot event planned: ${github.fullName} preview`), 10_000);
  await stopped(second, "stop");
  const store = openSqliteStore({ file: path.join(env.ENVBOT_DATA_DIR!, "envbot.db") });
  expect(await store.listJobs()).toEqual([]);
  await store.close();
});

test("killed (SIGKILL) while Terraform applies a merge: after a restart the run is interrupted, the PR is told, checks and deployment fail, no lock remains, expiry still covers it", async () => {
  const head = await openPullRequest(2, "brief", "brief-apply", ["brief-apply"]);
  const first = await start();
  await deliver(first, pullRequestEvent({ action: "opened", number: 2, headSha: sha("head2"), baseSha: sha("main0") }));
  await eventually("the plan comment", () => github.botComments(2).length > 0);
  await settled(first);

  github.commit(sha("main1"), head);
  github.commit("main", head);
  await deliver(first, pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("main1"), number: 2, headSha: sha("head2"), baseSha: sha("main0") }));
  // The template's provisioner sleeps inside `terraform apply`: the machine dies right there.
  await eventually("terraform apply running its provisioner", () => first.runs(/^sleep 4|sh -c sleep 4/));
  await stopped(first, "kill");
  const stateDir = path.join(env.ENVBOT_DATA_DIR!, "state", ...github.fullName.split("/"), "brief");
  expect(readdirSync(stateDir)).toContain(".terraform.tfstate.lock.info"); // what a killed Terraform leaves

  const second = await start();
  await eventually("the apply comment", () => github.botComments(2).some((c) => c.body.includes(APPLY_COMMENT_MARKER)));
  await settled(second);
  await stopped(second, "stop");

  const applyComment = github.botComments(2).find((c) => c.body.includes(APPLY_COMMENT_MARKER))!.body;
  expect(applyComment).toContain("`brief`: apply interrupted");
  expect(applyComment).toContain("**What to do:**");
  expect(applyComment).toMatch(/envbot released the state lock it left \(ID [0-9a-f-]+\)/);
  expect(github.checks("envbot apply: brief")).toMatchObject([{ head_sha: sha("main1"), status: "completed", conclusion: "failure" }]);
  expect(github.deployments).toMatchObject([{ ref: sha("main1"), environment: "brief", statuses: [{ state: "in_progress" }, { state: "failure" }] }]);
  expect(existsSync(path.join(stateDir, ".terraform.tfstate.lock.info"))).toBe(false);

  const store = openSqliteStore({ file: path.join(env.ENVBOT_DATA_DIR!, "envbot.db") });
  try {
    const [apply] = await store.listRuns(github.fullName, "brief", 1);
    expect(apply).toMatchObject({ kind: "apply", commit: sha("main1"), outcome: "interrupted" });
    // Expiry covers it: the expiry sweep takes every failed environment with a first-applied time
    // (its ttl counts from then), so what the interrupted apply created is destroyed when due.
    expect(await store.getEnvironment(github.fullName, "brief")).toMatchObject({ status: "failed", firstAppliedAt: expect.any(Date) });
    expect(await store.listLocks(github.fullName)).toEqual([]);
    expect(await store.listJobs()).toEqual([]);
  } finally {
    await store.close();
  }
});
