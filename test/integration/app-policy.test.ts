import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent, pullRequestReviewEvent } from "../helpers/github/webhook-payloads.js";

// The repository's policy enforced before the merge (the `envbot policy` check, green once the
// right approval arrives) and again at the merge, with a stubbed GitHub and the real terraform.

const mock = setupGitHubMock();
let app: AppHarness;
let main: Record<string, string>;

const POLICY = `
policy:
  templates:
    sandbox:
      request: ["@octo-org/web"]
      approve: ["@octo-org/platform"]
`;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  for (const login of ["walter", "wendy", "paula"]) app.github.permissions.set(login, "write");
  app.github.teams.set("web", new Set(["wendy"]));
  app.github.teams.set("platform", new Set(["paula"]));
  const starter = await starterRepository();
  main = { ...starter, ".github/envbot.yml": `${starter[".github/envbot.yml"]}${POLICY}` };
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
});
afterEach(async () => {
  app.github.uninstall();
  await app.cleanup();
  mock.after();
});

async function openPullRequest(number: number, author: string) {
  const files = { [`environments/env-${number}.yaml`]: definitionYaml(`env-${number}`, "sandbox", "  ttl: 24h\n") };
  app.github.commit(sha(`head-${number}`), { ...main, ...files });
  app.github.pullRequests.set(number, { number, headSha: sha(`head-${number}`), baseSha: sha("main"), author, files: Object.keys(files).map((filename) => ({ filename, status: "added" })) });
  await app.receive(pullRequestEvent({ action: "opened", number, headSha: sha(`head-${number}`), baseSha: sha("main"), author }));
  return files;
}

const policyChecks = () => app.github.checks("envbot policy");

test("someone outside the team a template is kept for is told so, at the line of spec.template", async () => {
  await openPullRequest(1, "walter");
  const [check] = policyChecks();
  expect(check).toMatchObject({ status: "completed", conclusion: "failure", head_sha: sha("head-1"), output: { title: "1 rule broken, 1 approval missing" } });
  expect(check!.output!.summary).toContain("@walter may not request template sandbox: it is for @octo-org/web (policy.templates.sandbox.request)");
  expect(check!.annotations).toEqual([
    expect.objectContaining({ path: "environments/env-1.yaml", start_line: 7, annotation_level: "failure", title: "policy.templates.sandbox.request" }),
    expect.objectContaining({ path: "environments/env-1.yaml", start_line: 7, message: "changing env-1 (template sandbox): needs an approving review from @octo-org/platform (policy.templates.sandbox.approve)" }),
  ]);
  // Out to the notification targets: the environment held back, and why.
  const blocked = (await app.services.engine.store.pendingEvents(50)).map((e) => e.event).filter((e) => e.type === "policy-blocked");
  expect(blocked).toEqual([
    expect.objectContaining({
      environment: "env-1",
      actor: "walter",
      commit: sha("head-1"),
      stage: "pull-request",
      reasons: [
        "@walter may not request template sandbox: it is for @octo-org/web (policy.templates.sandbox.request)",
        "changing env-1 (template sandbox): needs an approving review from @octo-org/platform (policy.templates.sandbox.approve)",
      ],
    }),
  ]);
});

test("a team member's request waits for the approval the policy names, and the check turns green when it arrives", async () => {
  await openPullRequest(2, "wendy");
  expect(policyChecks().map((c) => [c.conclusion, c.output?.title])).toEqual([["failure", "1 approval missing"]]);
  expect(policyChecks()[0]!.output!.summary).toContain("needs an approving review from @octo-org/platform");

  // An approval from someone outside the team changes nothing.
  app.github.reviews.set(2, [{ login: "walter", state: "APPROVED" }]);
  await app.receive(pullRequestReviewEvent({ action: "submitted", number: 2, headSha: sha("head-2"), baseSha: sha("main"), reviewer: "walter", state: "approved", author: "wendy" }));
  expect(policyChecks().map((c) => c.conclusion)).toEqual(["failure", "failure"]);
  // Held back for the same reasons: the notification targets heard it once.
  const blocked = async () => (await app.services.engine.store.pendingEvents(50)).filter((e) => e.event.type === "policy-blocked" && e.event.environment === "env-2");
  expect(await blocked()).toHaveLength(1);

  app.github.reviews.set(2, [{ login: "walter", state: "APPROVED" }, { login: "paula", state: "APPROVED" }]);
  await app.receive(pullRequestReviewEvent({ action: "submitted", number: 2, headSha: sha("head-2"), baseSha: sha("main"), reviewer: "paula", state: "approved", author: "wendy" }));
  expect(policyChecks().at(-1)).toMatchObject({ conclusion: "success", output: { title: "The policy is met" } });
  expect(policyChecks().at(-1)!.output!.summary).toContain("approved by @paula (policy.templates.sandbox.approve)");
  // A review never plans again.
  expect(app.github.checks("envbot plan: env-2")).toHaveLength(1);
});

test("a merge that bypassed the policy is not applied, and the pull request is told why", async () => {
  const files = await openPullRequest(3, "wendy");
  app.github.commit(sha("merged-3"), { ...main, ...files });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-3"), number: 3, headSha: sha("head-3"), baseSha: sha("main"), author: "wendy" }));
  const refusal = app.github.botComments(3).at(-1)!.body;
  expect(refusal).toContain("envbot did not apply this merge");
  expect(refusal).toContain("needs an approving review from @octo-org/platform");
  expect((await app.services.engine.store.listRuns(app.github.fullName, "env-3")).map((r) => r.kind)).toEqual(["plan"]);
  expect(await app.services.engine.store.listLocks()).toEqual([]);

  // With the approval, the merge is applied as usual.
  const approved = await openPullRequest(4, "wendy");
  app.github.reviews.set(4, [{ login: "paula", state: "APPROVED" }]);
  app.github.commit(sha("merged-4"), { ...main, ...approved });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-4"), number: 4, headSha: sha("head-4"), baseSha: sha("main"), author: "wendy" }));
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "env-4"))?.status).toBe("active");
});

test("every operation, command and policy decision lands in the audit trail: who, how, what, on which environment, and how it ended", async () => {
  const files = await openPullRequest(5, "wendy");
  app.github.reviews.set(5, [{ login: "paula", state: "APPROVED" }]);
  await app.receive(pullRequestReviewEvent({ action: "submitted", number: 5, headSha: sha("head-5"), baseSha: sha("main"), reviewer: "paula", state: "approved", author: "wendy" }));
  app.github.commit(sha("merged-5"), { ...main, ...files });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-5"), number: 5, headSha: sha("head-5"), baseSha: sha("main"), author: "wendy" }));
  const trail = (await app.services.engine.store.listAudit({ repositories: [app.github.fullName], limit: 20 })).reverse();
  expect(trail.map((e) => [e.actor, e.source, e.action, e.environment ?? "-", e.outcome])).toEqual([
    ["wendy", "policy", "policy.check", "-", "unmet"],
    ["wendy", "pull-request", "plan", "env-5", "succeeded"],
    ["wendy", "policy", "policy.check", "-", "met"],
    ["wendy", "policy", "policy.merge", "-", "met"],
    // The merge plans again at the merge commit, then applies that plan.
    ["wendy", "pull-request", "plan", "env-5", "succeeded"],
    ["wendy", "pull-request", "apply", "env-5", "succeeded"],
  ]);
  expect(trail[0]!.detail).toBe("pull request #5: env-5: changing env-5 (template sandbox): needs an approving review from @octo-org/platform (policy.templates.sandbox.approve)");
  expect(trail[1]!.detail).toBe("pull request #5");
});

describe("more rules, each on a pull request", () => {
  const withPolicy = (policy: string) => {
    main = { ...main, ".github/envbot.yml": main[".github/envbot.yml"]!.replace(POLICY, policy) };
    app.github.commit(sha("main"), main);
    app.github.commit("main", main);
  };
  async function open(number: number, author: string, files: Record<string, string>, base: Record<string, string> = main) {
    app.github.commit(sha(`base-${number}`), base);
    app.github.commit(sha(`head-${number}`), { ...base, ...files });
    app.github.pullRequests.set(number, { number, headSha: sha(`head-${number}`), baseSha: sha(`base-${number}`), author, files: Object.keys(files).map((filename) => ({ filename, status: base[filename] === undefined ? "added" : "modified" })) });
    await app.receive(pullRequestEvent({ action: "opened", number, headSha: sha(`head-${number}`), baseSha: sha(`base-${number}`), author }));
  }

  test("a protected environment changed without the protected rule's approval", async () => {
    withPolicy('\npolicy:\n  protected:\n    approve: ["@octo-org/platform"]\n');
    const base = { ...main, "environments/ledger.yaml": definitionYaml("ledger", "sandbox", "  protected: true\n") };
    await open(6, "wendy", { "environments/ledger.yaml": definitionYaml("ledger", "sandbox", "  protected: true\n  variables:\n    greeting: changed\n") }, base);
    const [check] = policyChecks();
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "1 approval missing" } });
    expect(check!.annotations).toEqual([expect.objectContaining({ path: "environments/ledger.yaml", start_line: 8, message: "changing the protected environment ledger: needs an approving review from @octo-org/platform (policy.protected.approve)" })]);
  });

  test("a quota exceeded by the environments after the merge", async () => {
    withPolicy("\npolicy:\n  quotas:\n    perOwner: 1\n");
    const base = { ...main, "environments/first.yaml": definitionYaml("first", "sandbox") };
    await open(7, "wendy", { "environments/second.yaml": definitionYaml("second", "sandbox") }, base);
    expect(policyChecks()[0]!.annotations).toEqual([expect.objectContaining({ path: "environments/second.yaml", start_line: 5, message: "@acme/qa would own 2 environments; the policy allows 1 per owner (policy.quotas.perOwner)" })]);
  });

  test("an owner's monthly cost cap: a pull request that would take the owner over it is refused, one within it passes", async () => {
    withPolicy("\npolicy:\n  quotas:\n    monthlyCostPerOwner: 100\n");
    // Every sandbox costs a declared $0.10/hour; `first` is long-lived (protected) and was applied at that price.
    const template = `${main["templates/sandbox/template.yaml"]}cost:\n  hourly: 0.10\n`;
    const base = { ...main, "templates/sandbox/template.yaml": template, "environments/first.yaml": definitionYaml("first", "sandbox", "  protected: true\n") };
    const store = app.services.engine.store;
    const applied = await store.startRun({ repository: app.github.fullName, environment: "first", kind: "apply", actor: "wendy" });
    await store.finishRun(applied.id, { outcome: "succeeded", summary: JSON.stringify({ cost: { hourly: 0.1, source: "template" } }) });

    // 730 hours of first ($73.00) and 72 of second ($7.20): within $100.
    await open(9, "wendy", { "environments/second.yaml": definitionYaml("second", "sandbox", "  ttl: 72h\n") }, base);
    expect(policyChecks().map((c) => c.conclusion)).toEqual(["success"]);
    // 730 hours of first and 720 of third: $145.00, over $100. The price is the plan's, so the check follows the plan.
    await open(10, "wendy", { "environments/third.yaml": definitionYaml("third", "sandbox", "  ttl: 720h\n") }, base);
    const check = policyChecks().find((c) => c.head_sha === sha("head-10"))!;
    expect(check).toMatchObject({ conclusion: "failure" });
    expect(check.annotations).toEqual([
      expect.objectContaining({ path: "environments/third.yaml", start_line: 5, message: "@acme/qa's environments would cost about $145.00 in the next 30 days; the policy allows $100.00 per owner (policy.quotas.monthlyCostPerOwner)" }),
    ]);
    expect(app.github.botComments(10).find((c) => c.body.includes("Cost: about $0.10/hour"))).toBeDefined();
  });

  test("a policy file with mistakes is reported at its lines, and blocks the merge until it is fixed", async () => {
    withPolicy('\npolicy:\n  templates:\n    sandbox:\n      request: ["web-team"]\n');
    await open(8, "wendy", { "environments/env-8.yaml": definitionYaml("env-8", "sandbox", "  ttl: 24h\n") });
    const validation = app.github.checks("envbot validate")[0]!;
    expect(validation.conclusion).toBe("failure");
    const line = main[".github/envbot.yml"]!.split("\n").findIndex((l) => l.includes('"web-team"')) + 1;
    expect(validation.annotations).toContainEqual(expect.objectContaining({ path: ".github/envbot.yml", start_line: line, message: "'web-team' is not @user, @org/team or owner" }));
    expect(policyChecks()[0]).toMatchObject({ conclusion: "failure" });
    expect(policyChecks()[0]!.output!.summary).toContain(".github/envbot.yml on the default branch has mistakes");
  });
});

// Trust, round 3 (issue 25, holes 1-4): ways a writer got around the gate, each tried through the App.
describe("the gate cannot be walked around", () => {
  const withPolicy = (policy: string, extra: Record<string, string> = {}) => {
    main = { ...main, ...extra, ".github/envbot.yml": main[".github/envbot.yml"]!.replace(POLICY, policy) };
    app.github.commit(sha("main"), main);
    app.github.commit("main", main);
  };
  /** A second template, `db`: the sandbox's files under another name. */
  const dbTemplate = () => ({
    "templates/db/template.yaml": main["templates/sandbox/template.yaml"]!.replace("name: sandbox", "name: db"),
    "templates/db/main.tf": main["templates/sandbox/main.tf"]!,
  });
  async function open(number: number, author: string, files: Record<string, string | null>) {
    const head = { ...main };
    for (const [file, text] of Object.entries(files)) {
      if (text === null) delete head[file];
      else head[file] = text;
    }
    app.github.commit(sha(`head-${number}`), head);
    const status = (file: string) => (files[file] === null ? "removed" : main[file] === undefined ? "added" : "modified");
    app.github.pullRequests.set(number, { number, headSha: sha(`head-${number}`), baseSha: sha("main"), author, files: Object.keys(files).map((filename) => ({ filename, status: status(filename) })) });
    await app.receive(pullRequestEvent({ action: "opened", number, headSha: sha(`head-${number}`), baseSha: sha("main"), author }));
    return head;
  }
  const latestCheck = (number: number) => policyChecks().filter((c) => c.head_sha === sha(`head-${number}`)).at(-1)!;

  test("moving an environment off a template needs that template's approvers, as removing it does", async () => {
    withPolicy('\npolicy:\n  templates:\n    db:\n      approve: ["@octo-org/platform"]\n', { ...dbTemplate(), "environments/orders.yaml": definitionYaml("orders", "db") });
    await open(21, "wendy", { "environments/orders.yaml": definitionYaml("orders", "sandbox") });
    expect(latestCheck(21)).toMatchObject({ conclusion: "failure", output: { title: "1 approval missing" } });
    expect(latestCheck(21).annotations).toEqual([
      expect.objectContaining({ path: "environments/orders.yaml", start_line: 7, message: "moving orders off template db (to sandbox): needs an approving review from @octo-org/platform (policy.templates.db.approve)" }),
    ]);
    app.github.reviews.set(21, [{ login: "paula", state: "APPROVED" }]);
    await app.receive(pullRequestReviewEvent({ action: "submitted", number: 21, headSha: sha("head-21"), baseSha: sha("main"), reviewer: "paula", state: "approved", author: "wendy" }));
    expect(latestCheck(21)).toMatchObject({ conclusion: "success" });
  });

  test("approve: [owner] means the owner on the default branch: re-owning an environment to an accomplice does not let the accomplice approve", async () => {
    withPolicy('\npolicy:\n  environments:\n    - name: ledger\n      approve: ["owner"]\n', { "environments/ledger.yaml": definitionYaml("ledger", "sandbox").replace('"@acme/qa"', '"@alice"') });
    app.github.permissions.set("mallory", "write");
    await open(22, "walter", { "environments/ledger.yaml": definitionYaml("ledger", "sandbox", "  variables:\n    greeting: mine now\n").replace('"@acme/qa"', '"@mallory"') });
    app.github.reviews.set(22, [{ login: "mallory", state: "APPROVED" }]);
    await app.receive(pullRequestReviewEvent({ action: "submitted", number: 22, headSha: sha("head-22"), baseSha: sha("main"), reviewer: "mallory", state: "approved", author: "walter" }));
    expect(latestCheck(22)).toMatchObject({ conclusion: "failure", output: { title: "2 approvals missing" } });
    expect(latestCheck(22).annotations!.map((a) => a.message)).toEqual([
      "changing ledger (matches ledger): needs an approving review from the owner (@alice) (policy.environments[0].approve)",
      "handing ledger from @alice to @mallory: needs an approving review from the owner (@alice) (metadata.owner)",
    ]);
    // The owner on the default branch agrees: both are met.
    app.github.permissions.set("alice", "write");
    app.github.reviews.set(22, [{ login: "mallory", state: "APPROVED" }, { login: "alice", state: "APPROVED" }]);
    await app.receive(pullRequestReviewEvent({ action: "submitted", number: 22, headSha: sha("head-22"), baseSha: sha("main"), reviewer: "alice", state: "approved", author: "walter" }));
    expect(latestCheck(22)).toMatchObject({ conclusion: "success" });
  });

  test("an approval of an earlier commit does not count for a later one; the check names it as stale", async () => {
    await openPullRequest(23, "wendy");
    app.github.reviews.set(23, [{ login: "paula", state: "APPROVED", commit: sha("head-23") }]);
    await app.receive(pullRequestReviewEvent({ action: "submitted", number: 23, headSha: sha("head-23"), baseSha: sha("main"), reviewer: "paula", state: "approved", author: "wendy" }));
    expect(policyChecks().at(-1)).toMatchObject({ conclusion: "success", head_sha: sha("head-23") });

    // A push after the approval: the approval stays on the earlier commit.
    const pushed = { ...app.github.filesOf(sha("head-23")), "environments/env-23.yaml": definitionYaml("env-23", "sandbox", "  ttl: 24h\n  variables:\n    greeting: after the review\n") };
    app.github.commit(sha("head-23b"), pushed);
    app.github.pullRequests.set(23, { ...app.github.pullRequests.get(23)!, headSha: sha("head-23b") });
    await app.receive(pullRequestEvent({ action: "synchronize", number: 23, headSha: sha("head-23b"), baseSha: sha("main"), author: "wendy" }));
    const check = policyChecks().filter((c) => c.head_sha === sha("head-23b")).at(-1)!;
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "1 approval missing" } });
    expect(check.output!.summary).toContain(`needs an approving review from @octo-org/platform (policy.templates.sandbox.approve); @paula's approval is of an earlier commit (${sha("head-23").slice(0, 7)}) and went stale`);

    // Nor does the merge count it.
    app.github.commit(sha("merged-23"), pushed);
    await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-23"), number: 23, headSha: sha("head-23b"), baseSha: sha("main"), author: "wendy" }));
    expect(app.github.botComments(23).at(-1)!.body).toContain("envbot did not apply this merge");
    expect((await app.services.engine.store.listRuns(app.github.fullName, "env-23")).map((r) => r.kind)).toEqual(["plan", "plan"]);
  });

  test("a merge is judged by the policy before it: a pull request that deletes the policy and adds a restricted environment is not applied", async () => {
    const head = await open(24, "walter", { "environments/env-24.yaml": definitionYaml("env-24", "sandbox", "  ttl: 24h\n"), ".github/envbot.yml": main[".github/envbot.yml"]!.replace(POLICY, "\n") });
    expect(latestCheck(24)).toMatchObject({ conclusion: "failure" });
    // Merged all the same (branch protection bypassed): the default branch now holds no policy.
    app.github.commit(sha("merged-24"), head);
    app.github.commit("main", head);
    app.github.parents.set(sha("merged-24"), [sha("main")]);
    await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-24"), number: 24, headSha: sha("head-24"), baseSha: sha("main"), author: "walter" }));
    const refusal = app.github.botComments(24).at(-1)!.body;
    expect(refusal).toContain("envbot did not apply this merge");
    expect(refusal).toContain("@walter may not request template sandbox");
    expect(await app.services.engine.store.getEnvironment(app.github.fullName, "env-24")).toMatchObject({ status: "planned" });
    expect((await app.services.engine.store.listRuns(app.github.fullName, "env-24")).map((r) => r.kind)).toEqual(["plan"]);
  });

  test("a change of the policy file needs the approval policy.config.approve names (default: protected.approve)", async () => {
    const withoutPolicy = main[".github/envbot.yml"]!.replace(POLICY, "\n");
    withPolicy(`${POLICY}  protected:\n    approve: ["@octo-org/platform"]\n`);
    await open(25, "wendy", { ".github/envbot.yml": withoutPolicy });
    expect(latestCheck(25)).toMatchObject({ conclusion: "failure", output: { title: "1 approval missing" } });
    expect(latestCheck(25).output!.summary).toContain("changing .github/envbot.yml: needs an approving review from @octo-org/platform (policy.protected.approve)");
    // Nothing to plan: the policy file is no environment.
    expect(app.github.checks("envbot validate")).toEqual([]);

    withPolicy(`${POLICY}  config:\n    approve: ["@octo-org/web"]\n`);
    await open(26, "paula", { ".github/envbot.yml": withoutPolicy });
    expect(latestCheck(26).output!.summary).toContain("changing .github/envbot.yml: needs an approving review from @octo-org/web (policy.config.approve)");
    app.github.reviews.set(26, [{ login: "wendy", state: "APPROVED" }]);
    await app.receive(pullRequestReviewEvent({ action: "submitted", number: 26, headSha: sha("head-26"), baseSha: sha("main"), reviewer: "wendy", state: "approved", author: "paula" }));
    expect(latestCheck(26)).toMatchObject({ conclusion: "success" });
  });
});
