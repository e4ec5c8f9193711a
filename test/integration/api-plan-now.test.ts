import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// "Plan now" from the API end to end: the job is queued as data, the App's queue runs it with
// the real terraform, and the run (with its whole log) is what the API then shows.

const mock = setupGitHubMock();
let app: AppHarness;
let api: ControlPlaneServer;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  app.github.permissions.set("alice", "write");
  app.github.commit("main", await starterRepository());
  api = await startControlPlaneServer({ store: app.services.engine.store, queue: app.services.queue, probot: app.probot });
});

afterEach(async () => {
  await api.close();
  app.github.uninstall();
  await app.cleanup();
  mock.after();
  expect(api.violations).toEqual([]);
});

test("a plan asked for through the API runs at the default branch's head, and its run and log are there to read", async () => {
  const alice = { session: api.sessionFor("alice") };
  const repository = app.github.fullName;
  const queued = await api.call("POST", `/api/v1/environments/${repository}/sandbox/plan`, { as: alice });
  expect(queued.status).toBe(202);
  await app.services.queue.idle();

  const runs = await api.call("GET", `/api/v1/runs?repository=${repository}&environment=sandbox`, { as: alice });
  expect(runs.body.items).toMatchObject([{ kind: "plan", outcome: "succeeded", actor: "alice", commit: app.github.headOf("main"), plan: { changes: { add: 1 } } }]);
  const log = await api.call("GET", `/api/v1/runs/${runs.body.items[0].id}/log`, { as: alice });
  expect(log.body.complete).toBe(true);
  expect(log.body.lines.map((l: { line: string }) => l.line).join("\n")).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy/);

  const environment = await api.call("GET", `/api/v1/environments/${repository}/sandbox`, { as: alice });
  expect(environment.body).toMatchObject({ status: "planned", template: "sandbox", labels: { "cost-center": "0000" }, description: "A sandbox to try envbot with", definition: { spec: { ttl: "72h" } } });
});

test("an immediate destroy the policy grants destroys the applied environment at once; the pull request's merge then only removes the definition", async () => {
  const starter = await starterRepository();
  const main = { ...starter, ".github/envbot.yml": `${starter[".github/envbot.yml"]}\npolicy:\n  actions:\n    destroyNow: ["@alice"]\n` };
  app.github.commit("main", main);
  app.github.commit(sha("main"), main);
  const repository = app.github.fullName;
  // Applied first, as a merge applies it.
  app.github.pullRequests.set(1, { number: 1, headSha: sha("main"), baseSha: sha("main"), author: "alice", files: [{ filename: "environments/sandbox.yaml", status: "added" }] });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("main"), number: 1, headSha: sha("main"), baseSha: sha("main"), author: "alice" }));
  expect((await app.services.engine.store.getEnvironment(repository, "sandbox"))?.status).toBe("active");

  const alice = { session: api.sessionFor("alice") };
  const answer = await api.call("POST", `/api/v1/environments/${repository}/sandbox/destroy`, { as: alice, body: { immediate: true } });
  expect(answer.body).toMatchObject({ destroying: true });
  await app.services.queue.idle();
  expect((await app.services.engine.store.getEnvironment(repository, "sandbox"))?.status).toBe("destroyed");
  const runs = await api.call("GET", `/api/v1/runs?repository=${repository}&environment=sandbox&limit=2`, { as: alice });
  expect(runs.body.items.map((r: { kind: string; outcome: string; actor: string }) => [r.kind, r.outcome, r.actor])).toEqual([
    ["destroy", "succeeded", "alice"],
    ["plan", "succeeded", "alice"],
  ]);
  const audit = await api.call("GET", `/api/v1/audit?repository=${repository}&limit=3`, { as: alice });
  expect(audit.body.items.map((e: { action: string; source: string }) => `${e.source} ${e.action}`)).toEqual(["api destroy", "api plan", "api destroy-now"]);
});
