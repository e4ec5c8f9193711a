import { jest } from "@jest/globals";
import { sweepRepository } from "../../src/access/github/scheduled-sweeps.js";
import type { SweepKind } from "../../src/core/reconciling/index.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { DEFAULT_INSTALLATION_ID, issueCommentEvent, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { parse } from "yaml";
import { awsTestEnv, motoS3, startMoto, type MotoServer } from "../helpers/moto-server.js";

// The reconciler of the GitHub App: sweeps of the default branch, reported as issues and a
// cleanup pull request on a FakeGitHub repository, with the real terraform binary.
jest.setTimeout(240_000);

const mock = setupGitHubMock();
const hours = (n: number) => n * 3600_000;
let app: AppHarness;

async function closeApp() {
  app.github.uninstall();
  await app.cleanup();
  mock.after();
}

/** Merges pull request `number` that adds `files` to main, so the app applies them. */
async function mergeAdding(number: number, files: Record<string, string>) {
  const main = app.github.filesOf("main");
  const merged = { ...main, ...files };
  app.github.commit(sha(`merge-${number}`), merged);
  app.github.commit("main", merged);
  app.github.pullRequests.set(number, { number, headSha: sha(`merge-${number}`), baseSha: sha("main-0"), author: "octocat", files: Object.keys(files).map((filename) => ({ filename, status: "added" })) });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha(`merge-${number}`), number, headSha: sha(`merge-${number}`), baseSha: sha("main-0") }));
}

async function sweep(kind: SweepKind, now: Date) {
  const octokit = await app.probot.auth(DEFAULT_INSTALLATION_ID);
  return sweepRepository({ octokit: octokit as never, services: app.services, repository: app.github.fullName, defaultBranch: "main", kind, now, concurrency: 2 });
}

describe("expiry", () => {
  afterEach(closeApp);
  beforeEach(async () => {
    mock.before();
    app = await createAppHarness();
    app.github.install();
    app.github.permissions.set("octocat", "write");
    const main = { ...(await starterRepository()), ".github/envbot.yml": "version: 1\nlimits:\n  expiryWarning: 2h\n" };
    app.github.commit(sha("main-0"), main);
    app.github.commit("main", main);
  });

  test("the owner is warned once; at expiry the environment is destroyed and a cleanup pull request removes its definition", async () => {
    await mergeAdding(1, { "environments/preview.yaml": definitionYaml("preview", "sandbox", "  ttl: 24h\n") });
    const record = await app.services.engine.store.getEnvironment(app.github.fullName, "preview");
    expect(record).toMatchObject({ status: "active" });
    const applied = record!.firstAppliedAt!.getTime();

    expect((await sweep("expiry", new Date(applied + hours(1)))).entries).toMatchObject([{ environment: "preview", action: "none" }]);
    expect(app.github.openIssues("envbot:expiry")).toEqual([]);

    await sweep("expiry", new Date(applied + hours(23)));
    await sweep("expiry", new Date(applied + hours(23.5)));
    const warnings = app.github.openIssues("envbot:expiry");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.body).toContain("@acme/qa");
    expect(warnings[0]!.body).toContain("environments/preview.yaml");

    const expired = await sweep("expiry", new Date(applied + hours(25)));
    expect(expired.entries).toMatchObject([{ environment: "preview", action: "destroy", outcome: "done" }]);
    expect(await app.services.engine.store.getEnvironment(app.github.fullName, "preview")).toMatchObject({ status: "destroyed" });
    expect(app.github.openIssues("envbot:expiry")).toEqual([]);
    expect(app.github.createdPullRequests).toHaveLength(1);
    const cleanup = app.github.createdPullRequests[0]!;
    expect(cleanup).toMatchObject({ base: "main", title: "envbot: remove expired environment preview" });
    expect(app.github.filesOf(cleanup.head)["environments/preview.yaml"]).toBeUndefined();
    expect(app.github.filesOf(cleanup.head)["environments/sandbox.yaml"]).toBeDefined();
    // Destroyed at expiry: its deployment is inactive at once, not when the cleanup is merged.
    expect(app.github.deployments).toMatchObject([{ environment: "preview", statuses: [{ state: "in_progress" }, { state: "success" }, { state: "inactive" }] }]);
  });
});

// One environment, applied once through a merge (the aws provider makes each Terraform run take
// seconds), serves the scenarios in order: each leaves the cloud and Git as the next expects.
describe("drift against moto", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
    mock.before();
    app = await createAppHarness({ env: { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint } });
    app.github.install();
    app.github.permissions.set("octocat", "write");
    const main = await starterRepository();
    app.github.commit(sha("main-0"), main);
    app.github.commit("main", main);
    await mergeAdding(1, { "environments/site.yaml": definitionYaml("site", "static-site") });
  });
  afterAll(async () => {
    await closeApp();
    await moto.stop();
  });

  const s3 = (method: string, resource: string, body?: string) => motoS3(moto.endpoint)(method, resource, body);

  test("a tag changed through the AWS API opens one drift issue with the attribute; reverting it closes the issue", async () => {
    const bucket = (await s3("GET", "")).match(/<Name>(envbot-site-[^<]+)<\/Name>/)![1]!;
    expect((await sweep("drift", new Date())).entries).toMatchObject([{ environment: "site", action: "in-sync" }]);

    const tagging = await s3("GET", `${bucket}?tagging`);
    await s3("PUT", `${bucket}?tagging`, tagging.replace("<Value>@acme/qa</Value>", "<Value>@intruder</Value>"));
    await sweep("drift", new Date());
    await sweep("drift", new Date()); // the same drift again: the same issue, not a second one
    const [issue] = app.github.openIssues("envbot:drift");
    expect(app.github.openIssues("envbot:drift")).toHaveLength(1);
    expect(issue!.title).toBe("envbot: drift in environment site");
    expect(issue!.body).toContain("tags.envbot:owner");
    expect(issue!.body).toContain("@intruder");
    expect(issue!.body).toContain("@acme/qa");

    await s3("PUT", `${bucket}?tagging`, tagging);
    expect((await sweep("drift", new Date())).entries).toMatchObject([{ environment: "site", action: "drift-resolved", outcome: "done" }]);
    expect(app.github.openIssues("envbot:drift")).toEqual([]);
    expect(app.github.issue(issue!.number)).toMatchObject({ state: "closed" });
  });

  test("the orphan sweep: a bucket tagged for an environment but in no state opens one issue, another application's bucket does not; once it is gone the issue closes", async () => {
    const tagging = (tags: Record<string, string>) => `<Tagging><TagSet>${Object.entries(tags).map(([Key, Value]) => `<Tag><Key>${Key}</Key><Value>${Value}</Value></Tag>`).join("")}</TagSet></Tagging>`;
    // Left behind by a destroy that failed half-way (it carries the environment's tags), and another application's bucket.
    await s3("PUT", "envbot-site-left-behind");
    await s3("PUT", "envbot-site-left-behind?tagging", tagging({ "envbot:repository": app.github.fullName, "envbot:environment": "site", team: "web" }));
    await s3("PUT", "billing-reports");
    await s3("PUT", "billing-reports?tagging", tagging({ app: "billing", "envbot:environment": "site" }));

    const found = await sweep("orphans", new Date("2026-12-01T10:00:00Z"));
    expect(found.entries).toEqual([{ environment: "site", action: "orphans", outcome: "done", detail: expect.stringMatching(/^1 resource\(s\) tagged for it in no environment's state \(issue #\d+\)$/) }]);
    await sweep("orphans", new Date("2026-12-01T11:00:00Z")); // the same finding again: the same issue, unchanged
    const issues = app.github.openIssues("envbot:orphans");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe("envbot: resources left behind by environment site");
    expect(issues[0]!.body).toContain("@acme/qa");
    expect(issues[0]!.body).toContain("`arn:aws:s3:::envbot-site-left-behind` (tags: `team=web`)");
    expect(issues[0]!.body).toContain("envbot never deletes these");
    expect(issues[0]!.body).not.toContain("billing-reports");
    // The environment's own bucket is in its state: never an orphan.
    expect(issues[0]!.body).not.toMatch(/envbot-site-(?!left-behind)/);
    // What the sweep found is kept for the API.
    expect(await app.services.engine.store.listOrphanSweeps([app.github.fullName])).toEqual([
      { repository: app.github.fullName, sweptAt: new Date("2026-12-01T11:00:00Z"), region: "us-east-1", orphans: [expect.objectContaining({ environment: "site", arn: "arn:aws:s3:::envbot-site-left-behind" })] },
    ]);
    // Nothing was deleted.
    expect(await s3("GET", "")).toContain("<Name>envbot-site-left-behind</Name>");

    await s3("DELETE", "envbot-site-left-behind");
    expect((await sweep("orphans", new Date("2026-12-01T12:00:00Z"))).entries).toEqual([{ environment: "site", action: "orphans-resolved", outcome: "done" }]);
    expect(app.github.openIssues("envbot:orphans")).toEqual([]);
    expect(app.github.issue(issues[0]!.number)).toMatchObject({ state: "closed" });
    expect((await app.services.engine.store.listOrphanSweeps([app.github.fullName]))[0]!.orphans).toEqual([]);
  });

  test("a change in Git that was never applied is reported as pending in Git, not as cloud drift", async () => {
    // Someone pushed straight to main: no pull request, so nothing applied it.
    const main = app.github.filesOf("main");
    app.github.commit("main", { ...main, "environments/site.yaml": definitionYaml("site", "static-site", "  variables:\n    index_html: <h1>pushed</h1>\n") });
    const result = await sweep("drift", new Date());
    expect(result.entries).toMatchObject([{ environment: "site", action: "drift", detail: expect.stringContaining("1 change(s) in Git not applied") }]);
    expect(result.entries[0]!.detail).not.toContain("outside Terraform");
    const [issue] = app.github.openIssues("envbot:drift");
    expect(issue!.body).toContain("module.environment.aws_s3_object.index");
  });

  // The drift answers: shop's bucket retagged by hand, one drift issue; adopt, then revert, answer it.
  // Each aws-provider run takes seconds and moto is shared with other suites: the timeouts only guard against a hang.
  const shopIssue = () => app.github.openIssues("envbot:drift").find((i) => i.title === "envbot: drift in environment shop")!;
  const comment = async (body: string, commentId: number) => {
    const issue = shopIssue() ?? app.github.issues.find((i) => i.title === "envbot: drift in environment shop")!;
    await app.receive(issueCommentEvent({ number: issue.number, login: "octocat", body, commentId, issue: { title: issue.title, labels: ["envbot:drift"] } }));
    await app.services.queue.idle();
    return app.github.comments.filter((c) => c.issue_number === issue.number).at(-1)!.body;
  };
  let tagsOf: () => Promise<Record<string, string>>;

  test("/envbot adopt on a drift issue opens a pull request that writes the drifted tag into the definition; planned, the bucket's tag stays", async () => {
    await mergeAdding(2, { "environments/shop.yaml": definitionYaml("shop", "static-site", "  variables:\n    tags:\n      team: web # who runs it\n") });
    const bucket = String((await app.services.engine.store.getEnvironment(app.github.fullName, "shop"))!.outputs!.bucket);
    tagsOf = async () => Object.fromEntries([...(await s3("GET", `${bucket}?tagging`)).matchAll(/<Key>([^<]+)<\/Key><Value>([^<]*)<\/Value>/g)].map((m) => [m[1], m[2]]));
    expect(await tagsOf()).toMatchObject({ team: "web", "envbot:environment": "shop" });
    // Someone retags the bucket and changes its owner tag by hand.
    const tagging = await s3("GET", `${bucket}?tagging`);
    await s3("PUT", `${bucket}?tagging`, tagging.replace("<Value>web</Value>", "<Value>checkout</Value>").replace("<Value>@acme/qa</Value>", "<Value>@intruder</Value>"));
    await sweep("drift", new Date());
    expect(shopIssue().body).toContain("tags.team");

    // The drifted tag goes into the definition; the owner tag (no variable holds it) is named.
    const adopted = await comment("/envbot adopt", 701);
    const pr = app.github.createdPullRequests.at(-1)!;
    expect(adopted).toContain(`Opened #${pr.number}`);
    expect(adopted).toMatch(/Not adopted[\s\S]*tags\.envbot:owner`: no template variable sets it/);
    expect(pr).toMatchObject({ base: "main", title: "Adopt drift of environment shop: tags.team" });
    expect(pr.body).toContain('| `variables.tags.team` | `"web"` | `"checkout"` | `module.environment.aws_s3_bucket.site` `tags.team` |');
    const proposed = app.github.filesOf(pr.head)["environments/shop.yaml"]!;
    expect(parse(proposed).spec.variables).toEqual({ tags: { team: "checkout" } });
    expect(proposed).toContain("# who runs it");
    // Its pull request, planned like any: the bucket's tag stays; only the owner tag (not adopted) would go back.
    const head = app.github.headOf(pr.head)!;
    app.github.pullRequests.set(pr.number, { number: pr.number, headSha: head, baseSha: app.github.headOf("main")!, author: "octocat", files: [{ filename: "environments/shop.yaml", status: "modified" }] });
    await app.receive(pullRequestEvent({ action: "opened", number: pr.number, headSha: head, baseSha: app.github.headOf("main")!, author: "octocat" }));
    const planned = app.github.comments.filter((c) => c.issue_number === pr.number).at(-1)!.body;
    const [changes, drift] = planned.split("**Changed outside of Terraform**");
    expect(changes).toMatch(/~ +module\.environment\.aws_s3_bucket\.site \(tags\.envbot:owner, tags_all\.envbot:owner\)/);
    expect(changes).not.toMatch(/tags(_all)?\.team/);
    expect(drift).toContain("tags.team");
    expect(await tagsOf()).toMatchObject({ team: "checkout" });
  }, 600_000);

  test("/envbot revert on the drift issue plans the tag back; confirmed, it applies it and closes the issue", async () => {
    const issue = shopIssue();
    // Confirming before any plan is refused; the plan says what goes back and changes nothing.
    expect(await comment("/envbot revert confirm", 702)).toContain("there is no revert plan on this issue to confirm");
    const plan = await comment("/envbot revert", 703);
    expect(plan).toContain("Reverting `shop` applies its definition on `main`");
    expect(plan).toMatch(/`module\.environment\.aws_s3_bucket\.site` is changed back/);
    expect(plan).toContain("tags.team");
    expect(await tagsOf()).toMatchObject({ team: "checkout" });
    const reverted = await comment("/envbot revert confirm", 704);
    expect(reverted).toContain("Reverted by octocat: `shop` is applied as defined on `main`");
    expect(await tagsOf()).toMatchObject({ team: "web", "envbot:owner": "@acme/qa" });
    expect(app.github.issue(issue.number)).toMatchObject({ state: "closed" });
    const { store } = app.services.engine;
    expect((await store.getEnvironment(app.github.fullName, "shop"))!.driftFingerprint).toBeUndefined();
    const audit = (await store.listAudit({ limit: 50 })).filter((e) => e.environment === "shop").map((e) => `${e.action} ${e.outcome}`);
    expect(audit).toEqual(expect.arrayContaining(["adopt queued", "plan queued", "revert queued"]));
  }, 600_000);
});
