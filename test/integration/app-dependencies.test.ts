import { createHash } from "node:crypto";
import { jest } from "@jest/globals";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { DEFAULT_INSTALLATION_ID, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { sweepRepository } from "../../src/access/github/scheduled-sweeps.js";

// Environments that take each other's outputs (issue 31), through the App on a FakeGitHub with
// the real terraform binary: a chain net -> db -> app of sandbox environments, each taking its
// greeting from the one before.
jest.setTimeout(180_000);

const mock = setupGitHubMock();
let app: AppHarness;
let main: Record<string, string>;

const chain = {
  // In the pull request's file order the dependents come first: the order of the apply is envbot's.
  "environments/app.yaml": definitionYaml("app", "sandbox", "  variables:\n    greeting: { fromEnvironment: db, output: greeting }\n"),
  "environments/db.yaml": definitionYaml("db", "sandbox", "  variables:\n    greeting: { fromEnvironment: net, output: greeting }\n"),
  "environments/net.yaml": definitionYaml("net", "sandbox", "  variables:\n    greeting: from-net\n"),
};

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  app.github.permissions.set("octocat", "write");
  main = await starterRepository();
  app.github.commit(sha("main-0"), main);
  app.github.commit("main", main);
});

afterEach(async () => {
  app.github.uninstall();
  await app.cleanup();
  mock.after();
});

/** Merges pull request `number`, whose files are `files` (null removes one), into main. */
async function merge(number: number, files: Record<string, string | null>) {
  const before = sha(`base-${number}`);
  app.github.commit(before, main);
  main = Object.fromEntries(Object.entries({ ...main, ...files }).filter((entry): entry is [string, string] => entry[1] !== null));
  const after = sha(`merge-${number}`);
  app.github.commit(after, main);
  app.github.commit("main", main);
  app.github.pullRequests.set(number, { number, headSha: after, baseSha: before, author: "octocat", files: Object.entries(files).map(([filename, content]) => ({ filename, status: content === null ? "removed" : "added" })) });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: after, number, headSha: after, baseSha: before }));
  await app.services.queue.idle();
}

const runsOf = async (name: string) => app.services.engine.store.listRuns(app.github.fullName, name);

test("one merge applies a chain upstream first, each downstream taking its upstream's output; removing the chain destroys it dependents first", async () => {
  await merge(1, chain);
  const { store } = app.services.engine;
  for (const name of ["net", "db", "app"]) expect((await store.getEnvironment(app.github.fullName, name))!.outputs).toMatchObject({ greeting: "from-net" });
  const applied = async (name: string) => (await runsOf(name)).find((r) => r.kind === "apply")!.id;
  const [netApply, dbApply, appApply] = [await applied("net"), await applied("db"), await applied("app")];
  expect(netApply).toBeLessThan(dbApply);
  expect(dbApply).toBeLessThan(appApply);
  // The events of a dependent's runs name what it takes outputs of.
  const events = (await store.pendingEvents(100)).map((e) => e.event).filter((e) => e.type === "applied");
  expect(events.map((e) => [e.environment, e.upstreams])).toEqual([["net", undefined], ["db", ["net"]], ["app", ["db"]]]);

  await merge(2, { "environments/net.yaml": null, "environments/db.yaml": null, "environments/app.yaml": null });
  const destroyed = async (name: string) => (await runsOf(name)).find((r) => r.kind === "destroy")!;
  const [net, db, appRun] = [await destroyed("net"), await destroyed("db"), await destroyed("app")];
  expect([net, db, appRun].map((r) => r.outcome)).toEqual(["succeeded", "succeeded", "succeeded"]);
  expect(appRun.id).toBeLessThan(db.id);
  expect(db.id).toBeLessThan(net.id);
});

test("a downstream whose upstream failed is not applied, and the pull request says why", async () => {
  await merge(1, { ...chain, "environments/net.yaml": definitionYaml("net", "broken-hcl") });
  expect((await runsOf("db")).filter((r) => r.kind === "apply")).toEqual([]);
  const body = app.github.botComments(1).map((c) => c.body).join("\n");
  expect(body).toContain("not applied: it takes an output of net, which this merge did not apply");
  expect(body).toContain("not applied: it takes an output of db, which this merge did not apply");
});

test("removing an environment others take outputs from is refused at their references, on the pull request and at the merge", async () => {
  await merge(1, chain);
  // Pull request 2 removes db alone: app still takes its greeting.
  const before = sha("base-2");
  app.github.commit(before, main);
  const head = sha("head-2");
  const { "environments/db.yaml": _db, ...withoutDb } = main;
  app.github.commit(head, withoutDb);
  app.github.pullRequests.set(2, { number: 2, headSha: head, baseSha: before, author: "octocat", files: [{ filename: "environments/db.yaml", status: "removed" }] });
  await app.receive(pullRequestEvent({ action: "opened", number: 2, headSha: head, baseSha: before }));
  await app.services.queue.idle();
  const [validate] = app.github.checks("envbot validate");
  expect(validate).toMatchObject({ conclusion: "failure" });
  expect(validate!.annotations).toEqual([
    expect.objectContaining({
      path: "environments/app.yaml",
      start_line: 9,
      annotation_level: "failure",
      message: expect.stringContaining("app takes the output greeting of 'db', which this pull request removes: remove app in it too (it is then destroyed first), or stop taking the output"),
    }),
  ]);
  expect(app.github.checks(/^envbot plan/).map((c) => c.name)).toEqual([]);

  // Merged all the same (branch protection bypassed): db is not destroyed.
  await merge(3, { "environments/db.yaml": null });
  expect((await runsOf("db")).filter((r) => r.kind === "destroy")).toEqual([]);
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "db"))!.status).toBe("active");
});

test("an expired upstream with a live dependent is kept, its warning names the dependent; once the dependent is gone, it is destroyed", async () => {
  await merge(1, { "environments/net.yaml": definitionYaml("net", "sandbox", "  ttl: 24h\n  variables:\n    greeting: from-net\n"), "environments/db.yaml": chain["environments/db.yaml"] });
  const applied = (await app.services.engine.store.getEnvironment(app.github.fullName, "net"))!.firstAppliedAt!.getTime();
  const sweep = async (hours: number) => {
    const octokit = await app.probot.auth(DEFAULT_INSTALLATION_ID);
    const result = await sweepRepository({ octokit: octokit as never, services: app.services, repository: app.github.fullName, defaultBranch: "main", kind: "expiry", now: new Date(applied + hours * 3600_000), concurrency: 1 });
    return result.entries.find((e) => e.environment === "net")!;
  };
  expect(await sweep(23.5)).toMatchObject({ action: "warn", outcome: "done" });
  expect(app.github.openIssues("envbot:expiry")[0]!.body).toContain("**Environments take its outputs**: `db`. envbot keeps `net` past its expiry while any of them is live");
  expect(await sweep(25)).toMatchObject({ action: "keep-dependents", detail: "db still takes its outputs" });
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "net"))!.status).not.toBe("destroyed");

  await merge(2, { "environments/db.yaml": null });
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "db"))!.status).toBe("destroyed");
  expect(await sweep(26)).toMatchObject({ action: "destroy", outcome: "done" });
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "net"))!.status).toBe("destroyed");
});

test("an upstream applied again with a new output: the next drift sweep reports the input changed on the dependent", async () => {
  await merge(1, { "environments/net.yaml": chain["environments/net.yaml"], "environments/db.yaml": chain["environments/db.yaml"] });
  const drift = async () => {
    const octokit = await app.probot.auth(DEFAULT_INSTALLATION_ID);
    const result = await sweepRepository({ octokit: octokit as never, services: app.services, repository: app.github.fullName, defaultBranch: "main", kind: "drift", now: new Date(), concurrency: 1 });
    return result.entries.find((e) => e.environment === "db")!;
  };
  expect(await drift()).toMatchObject({ action: "in-sync" });
  // net's greeting changes and only net is applied.
  await merge(2, { "environments/net.yaml": definitionYaml("net", "sandbox", "  variables:\n    greeting: from-net-2\n") });
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "net"))!.outputs).toMatchObject({ greeting: "from-net-2" });
  expect(await drift()).toMatchObject({ action: "drift", outcome: "done", detail: expect.stringContaining("input changed: greeting (greeting of net)") });
  const [issue] = app.github.openIssues("envbot:drift");
  expect(issue!.title).toBe("envbot: drift in environment db");
  expect(issue!.body).toContain("**Input changed**: `greeting` takes the output `greeting` of `net`, whose value changed since this environment's last apply. Applying it takes the new value.");
  expect(issue!.body).toContain('"from-net" -> "from-net-2"');
});

test("a pull request that adds a chain plans it upstream first, each dependent with the output its upstream's plan knows", async () => {
  const head = sha("head-5");
  const files = chain;
  app.github.commit(head, { ...main, ...files });
  app.github.pullRequests.set(5, { number: 5, headSha: head, baseSha: sha("main-0"), author: "octocat", files: Object.keys(files).map((filename) => ({ filename, status: "added" })) });
  await app.receive(pullRequestEvent({ action: "opened", number: 5, headSha: head, baseSha: sha("main-0") }));
  await app.services.queue.idle();
  const conclusions = Object.fromEntries(app.github.checks(/^envbot plan/).map((c) => [c.name, c.conclusion]));
  expect(conclusions).toEqual({ "envbot plan: net": "success", "envbot plan: db": "success", "envbot plan: app": "success" });
  const comment = app.github.botComments(5).map((c) => c.body).join("\n");
  // app's plan holds the greeting net's plan set, two links away.
  expect(comment).toMatch(/#### `app`[\s\S]*input\.greeting = "from-net"/);
});

test("a pull request that changes an upstream plans the applied environments that take its outputs too, through the chain, without locking or applying them", async () => {
  await merge(1, chain);
  const head = sha("head-6");
  const changed = { "environments/net.yaml": definitionYaml("net", "sandbox", "  variables:\n    greeting: from-net-2\n") };
  app.github.commit(head, { ...main, ...changed });
  app.github.pullRequests.set(6, { number: 6, headSha: head, baseSha: app.github.headOf("main")!, author: "octocat", files: [{ filename: "environments/net.yaml", status: "modified" }] });
  await app.receive(pullRequestEvent({ action: "opened", number: 6, headSha: head, baseSha: app.github.headOf("main")! }));
  await app.services.queue.idle();
  const comment = app.github.botComments(6).map((c) => c.body).join("\n");
  const part = (name: string) => comment.split(`#### \`${name}\``)[1]!.split("#### ")[0]!;
  expect(part("net")).toContain("**Merging applies this plan.**");
  for (const name of ["db", "app"]) {
    expect(part(name)).toContain("**Not applied by this merge**: planned because it takes outputs of");
    expect(part(name)).toContain("~   module.environment.terraform_data.instance[0] (input.greeting, output)");
    expect(part(name)).not.toContain("does not lock the environment");
  }
  expect((await app.services.engine.store.listLocks(app.github.fullName)).map((l) => l.environment)).toEqual(["net"]);
  // Merged: only net is applied; db and app are reported by the drift check until applied.
  const appliedBefore = (await runsOf("db")).filter((r) => r.kind === "apply").length;
  await merge(7, changed);
  expect((await runsOf("db")).filter((r) => r.kind === "apply")).toHaveLength(appliedBefore);
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "net"))!.outputs).toMatchObject({ greeting: "from-net-2" });
});

// vault (test/fixtures/templates) gives a sensitive token and an id Terraform knows only after
// apply; consumer takes both.
const vaultPair = {
  "environments/vault.yaml": definitionYaml("vault", "vault"),
  "environments/consumer.yaml": definitionYaml("consumer", "consumer", "  variables:\n    password: { fromEnvironment: vault, output: token }\n    vault_id: { fromEnvironment: vault, output: id }\n"),
};

test("an output known only after apply: the dependent waits (neutral) on the pull request and is applied after its upstream at the merge; a sensitive output is passed, never shown, and its change reported by the drift sweep", async () => {
  main = await starterRepository(["vault", "consumer"]);
  app.github.commit(sha("main-0"), main);
  app.github.commit("main", main);
  const head = sha("head-8");
  app.github.commit(head, { ...main, ...vaultPair });
  app.github.pullRequests.set(8, { number: 8, headSha: head, baseSha: sha("main-0"), author: "octocat", files: Object.keys(vaultPair).map((filename) => ({ filename, status: "added" })) });
  await app.receive(pullRequestEvent({ action: "opened", number: 8, headSha: head, baseSha: sha("main-0") }));
  await app.services.queue.idle();
  const [consumerCheck] = app.github.checks("envbot plan: consumer");
  expect(app.github.checks("envbot plan: vault")[0]).toMatchObject({ conclusion: "success" });
  expect(consumerCheck).toMatchObject({ conclusion: "neutral", output: expect.objectContaining({ title: "Waits for vault" }) });
  const comment = app.github.botComments(8).map((c) => c.body).join("\n");
  expect(comment).toContain("#### `consumer`: waits for its inputs");
  expect(comment).toContain("`vault_id` takes the output `id` of `vault`, which `vault`'s plan knows only after it is applied");
  expect(comment).toContain("Merging applies `vault` first, then plans and applies `consumer` with the values.");
  expect((await runsOf("consumer")).filter((r) => r.kind === "plan")).toEqual([]);

  await merge(9, vaultPair);
  const { store } = app.services.engine;
  const vault = (await store.getEnvironment(app.github.fullName, "vault"))!;
  const consumer = (await store.getEnvironment(app.github.fullName, "consumer"))!;
  expect(vault.outputs).toEqual({ id: expect.any(String) });
  expect(consumer.outputs).toEqual({ vault_id: vault.outputs!.id, fingerprint: createHash("sha256").update("tok-one-7c1e9a3f5b").digest("hex") });

  // vault's token changes: the drift sweep says consumer's input changed, without its value.
  await merge(10, { "environments/vault.yaml": definitionYaml("vault", "vault", "  variables:\n    seed: two\n") });
  const octokit = await app.probot.auth(DEFAULT_INSTALLATION_ID);
  const sweep = await sweepRepository({ octokit: octokit as never, services: app.services, repository: app.github.fullName, defaultBranch: "main", kind: "drift", now: new Date(), concurrency: 1 });
  expect(sweep.entries.find((e) => e.environment === "consumer")).toMatchObject({ action: "drift", outcome: "done", detail: expect.stringContaining("input changed: password (token of vault)") });
  expect(app.github.openIssues("envbot:drift").map((i) => i.title)).toEqual(["envbot: drift in environment consumer"]);

  // Neither token is in anything that left for GitHub or that the control plane shows.
  const runs = [...(await runsOf("vault")), ...(await runsOf("consumer"))];
  const logs = await Promise.all(runs.map((r) => store.readRunLog(r.id, 0, 10_000)));
  const shown = JSON.stringify([app.github.comments, app.github.checkRuns, app.github.issues, runs, logs, await store.listEnvironments(app.github.fullName), await store.pendingEvents(500)]);
  expect(shown).toContain("sensitive");
  for (const token of ["tok-one-7c1e9a3f5b", "tok-two-7c1e9a3f5b"]) expect(shown).not.toContain(token);
});
