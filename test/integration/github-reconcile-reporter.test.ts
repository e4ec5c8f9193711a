import { githubReconcileReporter } from "../../src/adapters/github/github-reconcile-reporter.js";
import type { Octokit } from "../../src/adapters/github/octokit-types.js";
import type { DriftReport, EnvironmentNotice, ReconcileReporter } from "../../src/core/ports/index.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";
import { createTestProbot } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO } from "../helpers/github/webhook-payloads.js";

// The reconciler's GitHub side, driven directly against a stateful fake repository; every request
// is checked against GitHub's OpenAPI description.
const REPOSITORY = `${DEFAULT_OWNER}/${DEFAULT_REPO}`;
const FILE = "environments/checkout.yaml";
const BRANCH = "envbot/expired-checkout-202612011000";
const expiresAt = new Date("2026-12-01T10:00:00Z");
const notice: EnvironmentNotice = { repository: REPOSITORY, environment: "checkout", file: FILE, owner: "@octo-org/payments" };

const mock = setupGitHubMock();
let github: FakeGitHub;

beforeEach(() => {
  mock.before();
  github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
  github.install();
  github.commit("main", { [FILE]: "metadata:\n  name: checkout\n", "environments/search.yaml": "metadata:\n  name: search\n" });
});
afterEach(() => {
  github.uninstall();
  mock.after();
});

/** A reporter on a fresh Probot instance, as after a restart: it remembers nothing. */
async function startReporter(now?: () => Date): Promise<ReconcileReporter> {
  const probot = await createTestProbot(() => {});
  const octokit: Octokit = await probot.auth(DEFAULT_INSTALLATION_ID);
  return githubReconcileReporter({ octokit, repository: REPOSITORY, defaultBranch: "main", ...(now ? { now } : {}) });
}

function drift(fingerprint: string, after = '"mallory"'): DriftReport {
  return {
    ...notice,
    cloudDrift: [{ address: "aws_s3_bucket.site", action: "update", attributes: [{ path: "tags.owner", before: '"alice"', after }] }],
    pendingInGit: [],
    fingerprint,
  };
}

function requests(method: string, path: string | RegExp) {
  return recordedGitHubRequests().filter((r) => r.method === method && (typeof path === "string" ? r.path.split("?")[0] === path : path.test(r.path)));
}

const repoPath = `/repos/${REPOSITORY}`;

describe("expiry", () => {
  test("the warning is opened once, even when a retried sweep sends it twice", async () => {
    const reporter = await startReporter();
    await reporter.expiryWarning({ ...notice, expiresAt });
    await reporter.expiryWarning({ ...notice, expiresAt });
    const warnings = github.openIssues("envbot:expiry");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ title: "envbot: environment checkout expires on 2026-12-01 10:00 UTC", labels: ["envbot:expiry"] });
    expect(warnings[0]!.body).toContain("@octo-org/payments");
    expect(requests("POST", `${repoPath}/issues`)).toHaveLength(1);
    expect(requests("PATCH", /\/issues\/\d+$/)).toHaveLength(0);
  });

  test("expired: the warning is answered and closed, and the cleanup pull request deletes the definition on its branch", async () => {
    const reporter = await startReporter();
    await reporter.expiryWarning({ ...notice, expiresAt });
    const [warning] = github.openIssues("envbot:expiry");

    const result = await reporter.expired({ ...notice, expiresAt, cleanupPullRequest: true });

    const [pull] = github.createdPullRequests;
    expect(result).toEqual({ cleanupPullRequest: pull!.number });
    expect(pull).toMatchObject({ title: "envbot: remove expired environment checkout", head: BRANCH, base: "main", state: "open" });
    expect(pull!.body).toContain("cc @octo-org/payments");
    expect(Object.keys(github.filesOf(BRANCH))).toEqual(["environments/search.yaml"]);
    expect(Object.keys(github.filesOf("main"))).toContain(FILE);
    const [deleted] = requests("DELETE", /\/contents\//);
    expect(deleted!.body).toMatchObject({ branch: BRANCH, message: expect.stringMatching(/^Remove expired environment checkout\n/) });

    expect(github.issue(warning!.number)).toMatchObject({ state: "closed", state_reason: "completed" });
    const [comment] = github.botComments(warning!.number);
    expect(comment!.body).toContain(`#${pull!.number} removes its definition`);
    expect(github.openIssues()).toEqual([]);
  });

  test("expired with no warning issue open: an issue for the owner, left open; no pull request when none is asked for", async () => {
    const reporter = await startReporter();
    expect(await reporter.expired({ ...notice, expiresAt, cleanupPullRequest: false })).toEqual({});
    const [issue] = github.openIssues("envbot:expiry");
    expect(issue).toMatchObject({ title: "envbot: environment checkout expired and was destroyed", state: "open" });
    expect(issue!.body).toMatch(/^@octo-org\/payments: /);
    expect(issue!.body).toContain("is still in the repository");
    expect(github.createdPullRequests).toEqual([]);
  });

  test("a definition already gone from the default branch gets no cleanup pull request", async () => {
    github.commit("main", { "environments/search.yaml": "metadata:\n  name: search\n" });
    const reporter = await startReporter();
    expect(await reporter.expired({ ...notice, expiresAt, cleanupPullRequest: true })).toEqual({});
    expect(github.createdPullRequests).toEqual([]);
    expect(requests("POST", `${repoPath}/git/refs`)).toEqual([]);
    expect(github.openIssues("envbot:expiry")[0]!.body).toContain("is already gone from the repository");
  });

  test("a retry after the branch was made reuses the branch instead of failing", async () => {
    // An earlier attempt created the branch and deleted the file, then failed before the pull request.
    github.commit(BRANCH, { "environments/search.yaml": "metadata:\n  name: search\n" });
    const reporter = await startReporter();
    const result = await reporter.expired({ ...notice, expiresAt, cleanupPullRequest: true });
    expect(github.createdPullRequests).toHaveLength(1);
    expect(result).toEqual({ cleanupPullRequest: github.createdPullRequests[0]!.number });
    expect(requests("DELETE", /\/contents\//)).toEqual([]);
  });

  test("when the cleanup pull request cannot be opened, the owner still hears of the expiry, then the error surfaces", async () => {
    const reporter = await startReporter();
    await reporter.expiryWarning({ ...notice, expiresAt });
    const [warning] = github.openIssues("envbot:expiry");
    // A one-off 502 for the pull request, ahead of the fake's own (persisted) answers.
    github.uninstall();
    githubApi().post(`${repoPath}/pulls`).reply(502, { message: "Bad Gateway" });
    github.install();

    await expect(reporter.expired({ ...notice, expiresAt, cleanupPullRequest: true })).rejects.toMatchObject({ status: 502 });
    expect(github.issue(warning!.number)!.state).toBe("closed");
    expect(github.botComments(warning!.number)[0]!.body).toContain("envbot could not open the pull request that removes its definition");
  });

  test("a later expiry warns again; expiring closes every warning and the failed-destroy issue", async () => {
    const reporter = await startReporter();
    await reporter.expiryWarning({ ...notice, expiresAt: new Date("2026-11-30T10:00:00Z") });
    await reporter.expiryWarning({ ...notice, expiresAt });
    await reporter.destroyFailed({ ...notice, reason: "the cloud refused: AccessDenied", details: "403" });
    await reporter.destroyFailed({ ...notice, reason: "the cloud refused: Throttling", details: "429" });
    expect(github.openIssues("envbot:expiry").map((i) => i.title).sort()).toEqual([
      "envbot: could not destroy expired environment checkout",
      "envbot: environment checkout expires on 2026-11-30 10:00 UTC",
      "envbot: environment checkout expires on 2026-12-01 10:00 UTC",
    ]);
    expect(github.openIssues("envbot:expiry").find((i) => i.title.startsWith("envbot: could not"))!.body).toContain("Throttling");

    await reporter.expired({ ...notice, expiresAt, cleanupPullRequest: false });
    expect(github.openIssues()).toEqual([]);
    expect(github.comments.map((c) => c.body)).toEqual([expect.stringContaining("destroyed it"), expect.stringContaining("destroyed it"), expect.stringContaining("destroyed it")]);
  });
});

describe("an unusable definition", () => {
  test("one issue, labelled envbot:reconcile, whose body follows the problems", async () => {
    const reporter = await startReporter();
    await reporter.definitionUnusable({ ...notice, problems: [`${FILE}:8:8: spec.ttl: 'two days' is not a duration like 72h`] });
    await reporter.definitionUnusable({ ...notice, problems: [`${FILE}:1:1: not YAML`] });
    const issues = github.openIssues("envbot:reconcile");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain("not YAML");
    expect(issues[0]!.body).not.toContain("two days");
  });
});

describe("drift", () => {
  /** The issue number in driftFound's "where" ("issue #12"). */
  const numberIn = (where: string | undefined) => Number(/^issue #(\d+)$/.exec(where ?? "")![1]);

  test("one issue per drift: edited when the drift changes, untouched when it does not, closed with a comment when it is gone", async () => {
    const reporter = await startReporter(() => new Date("2026-12-02T08:30:00Z"));
    const issue = numberIn((await reporter.driftFound(drift("fp-1"))).where);
    expect(github.openIssues("envbot:drift")).toEqual([expect.objectContaining({ number: issue, title: "envbot: drift in environment checkout" })]);
    expect(github.issue(issue)!.body).toContain("fingerprint=fp-1");

    expect(await reporter.driftFound(drift("fp-2", '"eve"'))).toEqual({ where: `issue #${issue}` });
    expect(github.issue(issue)!.body).toContain('`tags.owner: "alice" -> "eve"`');
    const patches = requests("PATCH", `${repoPath}/issues/${issue}`).length;

    expect(await reporter.driftFound(drift("fp-2", '"eve"'))).toEqual({ where: `issue #${issue}` });
    expect(requests("PATCH", `${repoPath}/issues/${issue}`)).toHaveLength(patches);
    expect(github.issues).toHaveLength(1);

    await reporter.driftResolved(notice);
    expect(github.issue(issue)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(github.botComments(issue).map((c) => c.body)).toEqual([expect.stringContaining("The drift is gone as of 2026-12-02 08:30 UTC")]);
  });

  test("after a restart, the open drift issue is found again by its title, even past the first page, and closed when the drift is gone", async () => {
    const first = await startReporter();
    const issue = numberIn((await first.driftFound(drift("fp-1"))).where);
    // 120 newer drift issues of other environments push it to the second page.
    for (let i = 0; i < 120; i++) github.addIssue({ title: `envbot: drift in environment env-${i}`, labels: ["envbot:drift"] });

    const restarted = await startReporter();
    expect(await restarted.driftFound(drift("fp-2", '"eve"'))).toEqual({ where: `issue #${issue}` });
    expect(github.issues).toHaveLength(121);
    expect(github.issue(issue)!.body).toContain("fingerprint=fp-2");
    expect(requests("GET", /\/issues\?.*page=2/)).toHaveLength(1);

    await (await startReporter()).driftResolved(notice);
    expect(github.issue(issue)).toMatchObject({ state: "closed" });
    expect(github.openIssues("envbot:drift")).toHaveLength(120);
  });

  test("a drift issue a person closed, or one a person wrote, is not taken over: a new one is opened, and only that one is closed", async () => {
    const reporter = await startReporter();
    const issue = numberIn((await reporter.driftFound(drift("fp-1"))).where);
    github.issue(issue)!.state = "closed";
    const human = github.addIssue({ title: "envbot: drift in environment checkout", labels: ["envbot:drift"], body: "mine", user: { login: "octocat", type: "User" } });

    const reopened = numberIn((await reporter.driftFound(drift("fp-1"))).where);
    expect([issue, human.number]).not.toContain(reopened);
    expect(github.issue(human.number)!.body).toBe("mine");
    expect(github.issue(reopened)).toMatchObject({ state: "open", labels: ["envbot:drift"] });

    await reporter.driftResolved(notice);
    expect(github.issue(reopened)!.state).toBe("closed");
    expect(github.issue(human.number)!.state).toBe("open");
  });

  test("a notice for another repository is refused, never written there", async () => {
    const reporter = await startReporter();
    await expect(reporter.driftFound({ ...drift("fp"), repository: "someone/else" })).rejects.toThrow("reached the reporter of octo-org/environments");
    expect(recordedGitHubRequests()).toEqual([]);
  });
});
