import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { InMemoryTerraform } from "../helpers/in-memory/in-memory-terraform.js";
import { eventually } from "../helpers/eventually.js";

// "Plan now" from the API end to end: the job is queued as data, the App's queue runs it with
// the real terraform, and the run (with its whole log) is what the API then shows.

const mock = setupGitHubMock();
let app: AppHarness;
let api: ControlPlaneServer;

describe("with the real terraform", () => {
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
});

test("plans asked for at once run in the App's Terraform slots: never more at once than ENVBOT_CONCURRENCY", async () => {
  // A harness of its own: concurrency 1, Terraform in memory (it counts what runs at once).
  const terraform = new InMemoryTerraform();
  const bounded = await createAppHarness({ concurrency: 1, terraform });
  const boundedApi = await startControlPlaneServer({ store: bounded.services.engine.store, queue: bounded.services.queue, probot: bounded.probot });
  try {
    mock.before();
    bounded.github.install();
    bounded.github.permissions.set("alice", "write");
    const names = ["one", "two", "three"];
    bounded.github.commit("main", { ...(await starterRepository()), ...Object.fromEntries(names.map((name) => [`environments/${name}.yaml`, definitionYaml(name, "sandbox")])) });
    // Each job asks the queue for a Terraform slot (observed), while Terraform stays busy.
    const asked: string[] = [];
    const exclusive = bounded.services.queue.exclusive.bind(bounded.services.queue);
    bounded.services.queue.exclusive = (key, work) => {
      asked.push(key);
      return exclusive(key, work);
    };
    let release = () => {};
    terraform.hold = new Promise<void>((resolve) => (release = resolve));
    const alice = { session: boundedApi.sessionFor("alice") };
    for (const name of names) expect((await boundedApi.call("POST", `/api/v1/environments/${bounded.github.fullName}/${name}/plan`, { as: alice })).status).toBe(202);
    await eventually("every plan asked for a Terraform slot", () => asked.length === names.length && terraform.running >= 1);
    expect(terraform.running).toBe(1);
    release();
    await bounded.services.queue.idle();
    expect(terraform.commands.filter((c) => c.startsWith("plan ")).sort()).toEqual(names.map((name) => `plan ${bounded.github.fullName}:${name} normal`).sort());
    expect(terraform.mostAtOnce).toBe(1);
    expect(boundedApi.violations).toEqual([]);
  } finally {
    await boundedApi.close();
    bounded.github.uninstall();
    await bounded.cleanup();
    mock.after();
  }
});
