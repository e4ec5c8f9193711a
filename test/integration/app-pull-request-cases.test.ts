import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";
import { issueCommentEvent, pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// The app's answers to the cases around the main loop, with the real terraform binary.

const SECRET = "pr-s3cr3t-value-91c2";
const mock = setupGitHubMock();
let app: AppHarness;
let main: Record<string, string>;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness({ env: { LEAKY_TOKEN: SECRET, ENVBOT_SECRETS_ALLOW: "LEAKY_TOKEN" } });
  app.github.install();
  app.github.permissions.set("octocat", "write");
  main = await starterRepository(["broken-hcl", "leaky-secret"]);
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
});
afterEach(async () => {
  app.github.uninstall();
  await app.cleanup();
  mock.after();
});

/** Opens pull request `number` whose head is main plus `files`. */
async function openPullRequest(number: number, files: Record<string, string>, options: { author?: string; fork?: boolean; deliveryId?: string } = {}) {
  const head = sha(`head-${number}`);
  app.github.commit(head, { ...main, ...files });
  app.github.pullRequests.set(number, {
    number,
    headSha: head,
    baseSha: sha("main"),
    author: options.author ?? "octocat",
    ...(options.fork ? { headRepository: `${options.author}/environments` } : {}),
    files: Object.keys(files).map((filename) => ({ filename, status: main[filename] === undefined ? "added" : "modified" })),
  });
  const event = pullRequestEvent({ action: "opened", number, headSha: head, baseSha: sha("main"), author: options.author, fork: options.fork, deliveryId: options.deliveryId });
  await app.receive(event);
  return event;
}

test("the plan comment comes as soon as Terraform planned, saying what is still read; the attributes of each creation replace that when read", async () => {
  await openPullRequest(40, { "environments/early.yaml": definitionYaml("early", "sandbox", "  ttl: 24h\n") });
  const [comment] = app.github.botComments(40);
  const revisions = app.github.commentRevisions.get(comment!.id)!;
  expect(revisions.length).toBeGreaterThanOrEqual(2);
  // The first the reader sees: the change, and that what it sets is coming.
  expect(revisions[0]).toContain("#### `early`: 1 to add, 0 to change, 0 to destroy");
  expect(revisions[0]).toContain("⏳ **Reading what each change sets**");
  expect(revisions[0]).not.toContain("what it sets (");
  // The last: what the creation sets, and no word of anything still coming.
  expect(revisions.at(-1)).toContain("`module.environment.terraform_data.instance[0]`: what it sets (");
  expect(revisions.at(-1)).not.toContain("Reading what each change sets");
  const [check] = app.github.checks("envbot plan: early");
  expect(check).toMatchObject({ status: "completed", conclusion: "success" });
  expect(check!.output).toMatchObject({ summary: expect.not.stringContaining("Reading what each change sets") });
});

test("an invalid definition gets annotations at its line and column, and no plan", async () => {
  await openPullRequest(3, { "environments/broken-env.yaml": definitionYaml("broken-env", "sandbox", "  ttl: two days\n") });
  const [validate] = app.github.checks("envbot validate");
  expect(validate).toMatchObject({ conclusion: "failure" });
  expect(validate!.annotations).toEqual([
    expect.objectContaining({ path: "environments/broken-env.yaml", start_line: 8, end_line: 8, start_column: 8, end_column: 8, annotation_level: "failure", message: expect.stringContaining("'two days' is not a duration like 72h") }),
  ]);
  expect(app.github.checks(/^envbot plan/)).toEqual([]);
  expect(app.github.botComments(3)[0]!.body).toContain("broken-env");
  expect(await app.services.engine.store.listLocks()).toEqual([]);
});

test("two pull requests on one environment: the second is told which one holds the lock", async () => {
  const shared = { "environments/shared.yaml": definitionYaml("shared", "sandbox") };
  await openPullRequest(4, shared);
  await openPullRequest(5, { "environments/shared.yaml": definitionYaml("shared", "sandbox", "  variables:\n    greeting: other\n") });
  expect(app.github.checks("envbot plan: shared").map((c) => c.conclusion)).toEqual(["success", "neutral"]);
  const second = app.github.botComments(5)[0]!.body;
  expect(second).toMatch(/locked by #4/i);
  // Closing #4 without merging frees it for #5.
  await app.receive(pullRequestEvent({ action: "closed", merged: false, number: 4, headSha: sha("head-4"), baseSha: sha("main") }));
  expect(await app.services.engine.store.listLocks()).toEqual([]);
});

test("a fork's pull request never runs its own Terraform code: the template comes from the default branch", async () => {
  const evilTemplate = main["templates/sandbox/main.tf"] + '\nresource "terraform_data" "from_fork" {\n  input = "ran code from a fork"\n}\n';
  await openPullRequest(6, { "environments/forked.yaml": definitionYaml("forked", "sandbox"), "templates/sandbox/main.tf": evilTemplate }, { author: "outsider", fork: true });
  const [plan] = app.github.checks("envbot plan: forked");
  expect(plan).toMatchObject({ conclusion: "success", output: { title: "1 to add, 0 to change, 0 to destroy" } });
  const body = app.github.botComments(6)[0]!.body;
  expect(body).not.toContain("from_fork");
  expect(body).toMatch(/default branch/);
  // The fork's author was never even looked up: a fork is untrusted whatever their permission.
  expect(recordedGitHubRequests().some((r) => r.path.includes("/collaborators/"))).toBe(false);
});

test("a same-repository author without write access gets the default branch's template too", async () => {
  app.github.permissions.set("reader", "read");
  const changed = main["templates/sandbox/main.tf"] + '\nresource "terraform_data" "extra" {\n  input = "x"\n}\n';
  await openPullRequest(7, { "environments/readers.yaml": definitionYaml("readers", "sandbox"), "templates/sandbox/main.tf": changed }, { author: "reader" });
  expect(app.github.checks("envbot plan: readers")[0]).toMatchObject({ output: { title: "1 to add, 0 to change, 0 to destroy" } });
});

test("a plan failure reaches the pull request as a failed check and in the comment", async () => {
  await openPullRequest(8, { "environments/hcl-error.yaml": definitionYaml("hcl-error", "broken-hcl") });
  const [plan] = app.github.checks("envbot plan: hcl-error");
  expect(plan).toMatchObject({ conclusion: "failure", output: { title: expect.stringContaining("the template's Terraform code has an error") } });
  expect(app.github.botComments(8)[0]!.body).toContain("the template's Terraform code has an error");
  expect(app.github.botComments(8)[0]!.body).toContain("template/main.tf line");
});

test("a redelivered webhook (same delivery id) is not processed twice", async () => {
  const event = await openPullRequest(9, { "environments/once.yaml": definitionYaml("once", "sandbox") });
  const checks = app.github.checkRuns.length;
  await app.receive(event);
  expect(app.github.checkRuns.length).toBe(checks);
  expect(app.github.botComments(9)).toHaveLength(1);
});

test("/envbot plan from a writer is acknowledged and re-plans; from a reader it gets a reaction and no reply", async () => {
  await openPullRequest(10, { "environments/cmd.yaml": definitionYaml("cmd", "sandbox") });
  app.github.permissions.set("visitor", "read");
  const comments = app.github.comments.length;
  await app.receive(issueCommentEvent({ number: 10, login: "visitor", body: "/envbot plan", commentId: 501 }));
  // A reader's command makes envbot post nothing (no comment amplification on a public repository).
  expect(app.github.comments).toHaveLength(comments);
  expect(app.github.reactions).toEqual([{ commentId: 501, content: "-1" }]);
  app.github.reactions.length = 0;

  const before = app.github.checks("envbot plan: cmd").length;
  await app.receive(issueCommentEvent({ number: 10, login: "octocat", body: "/envbot plan cmd", commentId: 502 }));
  expect(app.github.reactions).toEqual([{ commentId: 502, content: "+1" }]);
  expect(app.github.checks("envbot plan: cmd").length).toBe(before + 1);

  await app.receive(issueCommentEvent({ number: 10, login: "octocat", body: "/envbot unlock cmd", commentId: 503 }));
  expect(await app.services.engine.store.listLocks()).toEqual([]);
});

test("a secret a template prints everywhere appears in no request sent to GitHub", async () => {
  const leaky = { "environments/leaky.yaml": definitionYaml("leaky", "leaky-secret", "  secrets:\n    api_token: { fromEnv: LEAKY_TOKEN }\n") };
  await openPullRequest(11, leaky);
  app.github.commit(sha("merged-11"), { ...main, ...leaky });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-11"), number: 11, headSha: sha("head-11"), baseSha: sha("main") }));
  expect(app.github.checks("envbot apply: leaky")[0]).toMatchObject({ conclusion: "success" });
  const sent = JSON.stringify(recordedGitHubRequests().map((r) => r.body));
  expect(sent).toContain("[redacted]");
  expect(sent).not.toContain(SECRET);
});

test("/envbot plan right after a merge leaves the apply alone and says why nothing runs", async () => {
  const files = { "environments/merging.yaml": definitionYaml("merging", "sandbox") };
  await openPullRequest(12, files);
  app.github.commit(sha("merged-12"), { ...main, ...files });
  Object.assign(app.github.pullRequests.get(12)!, { state: "closed", merged: true });
  // Both arrive before the apply is done: the comment must not cancel it.
  await app.probot.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-12"), number: 12, headSha: sha("head-12"), baseSha: sha("main") }));
  await app.probot.receive(issueCommentEvent({ number: 12, login: "octocat", body: "/envbot plan", commentId: 601 }));
  await app.services.queue.idle();
  expect(app.github.checks("envbot apply: merging")).toMatchObject([{ conclusion: "success" }]);
  expect(await app.services.engine.store.getEnvironment(app.github.fullName, "merging")).toMatchObject({ status: "active" });
  expect(app.github.botComments(12).some((c) => c.body.startsWith("This pull request is merged: envbot applied it"))).toBe(true);
  expect(app.github.reactions).toEqual([]);
  expect(await app.services.engine.store.listLocks()).toEqual([]);
});

test("a definition without ttl gets the repository's default (limits.defaultTtl), the plan comment says so, and the merge applies it; a protected one stays long-lived", async () => {
  const files = {
    "environments/quick.yaml": definitionYaml("quick", "sandbox"),
    "environments/keeper.yaml": definitionYaml("keeper", "sandbox", "  protected: true\n"),
    // The template says what it costs: the plan comment estimates from it.
    "templates/sandbox/template.yaml": `${main["templates/sandbox/template.yaml"]}cost:\n  hourly: 0.05\n`,
  };
  await openPullRequest(6, files);
  const comment = app.github.botComments(6)[0]!.body;
  const quick = comment.slice(comment.indexOf("`quick`"));
  expect(quick).toMatch(/\*\*Lifetime: 72h\*\* from its first apply, until \w+day, .*: the repository's default \(`limits.defaultTtl` in `.github\/envbot.yml`\), since the definition names no `spec.ttl` or `spec.expiresAt`/);
  expect(quick).toContain("Cost: about $0.05/hour, $1.20/day; expires after 72h: about $3.60 in all (declared in template.yaml).");
  expect(quick).toMatch(/<details><summary>Resources and their dependencies<\/summary>\n\n```mermaid\nflowchart LR\n/);
  const keeper = comment.slice(comment.indexOf("`keeper`"), comment.indexOf("`quick`"));
  expect(keeper).toContain("Lifetime: long-lived (no ttl or expiresAt)");

  app.github.commit(sha("merged-6"), { ...main, ...files });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-6"), number: 6, headSha: sha("head-6"), baseSha: sha("main") }));
  const record = await app.services.engine.store.getEnvironment(app.github.fullName, "quick");
  expect(record).toMatchObject({ status: "active", defaultTtlSince: record!.firstAppliedAt });
  expect(record!.expiresAt!.getTime() - record!.firstAppliedAt!.getTime()).toBe(72 * 3600_000);
  expect((await app.services.engine.store.getEnvironment(app.github.fullName, "keeper"))?.expiresAt).toBeUndefined();
});

test("the repository's policy governs comment commands too: a writer outside the team it names is told which rule, a member goes ahead", async () => {
  main = { ...main, ".github/envbot.yml": `${main[".github/envbot.yml"]}\npolicy:\n  actions:\n    unlock: ["@octo-org/platform"]\n` };
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
  app.github.teams.set("platform", new Set(["paula"]));
  app.github.permissions.set("paula", "write");
  await openPullRequest(12, { "environments/gated.yaml": definitionYaml("gated", "sandbox") });
  await app.receive(issueCommentEvent({ number: 12, login: "octocat", body: "/envbot unlock gated", commentId: 601 }));
  expect(app.github.botComments(12).at(-1)!.body).toBe("@octocat, the repository's policy does not let you do this: unlock is for @octo-org/platform (policy.actions.unlock in .github/envbot.yml).");
  expect(await app.services.engine.store.listLocks()).toHaveLength(1);
  await app.receive(issueCommentEvent({ number: 12, login: "paula", body: "/envbot unlock gated", commentId: 602 }));
  expect(await app.services.engine.store.listLocks()).toEqual([]);
});

test("/envbot unlock without a name releases only the locks the commenter may release: a protected environment's stays, and the reply says why", async () => {
  main = { ...main, ".github/envbot.yml": `${main[".github/envbot.yml"]}\npolicy:\n  protected:\n    act: ["@octo-org/sre"]\n` };
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
  app.github.teams.set("sre", new Set(["sam"]));
  app.github.permissions.set("sam", "write");
  await openPullRequest(14, { "environments/vault.yaml": definitionYaml("vault", "sandbox", "  protected: true\n"), "environments/scratch.yaml": definitionYaml("scratch", "sandbox") });
  expect((await app.services.engine.store.listLocks()).map((l) => l.environment).sort()).toEqual(["scratch", "vault"]);
  // As a named unlock of it is refused ...
  await app.receive(issueCommentEvent({ number: 14, login: "octocat", body: "/envbot unlock vault", commentId: 801 }));
  expect(app.github.botComments(14).at(-1)!.body).toBe("@octocat, the repository's policy does not let you do this: unlock of a protected environment is for @octo-org/sre (policy.protected.act in .github/envbot.yml).");
  // ... unlocking them all leaves it locked.
  await app.receive(issueCommentEvent({ number: 14, login: "octocat", body: "/envbot unlock", commentId: 802 }));
  expect((await app.services.engine.store.listLocks()).map((l) => l.environment)).toEqual(["vault"]);
  expect(app.github.botComments(14).at(-1)!.body).toBe(
    "Released the lock on `scratch` held by #14.\n\nKept, since you may not release it:\n- `vault`: unlock of a protected environment is for @octo-org/sre (policy.protected.act in .github/envbot.yml)",
  );
  expect(app.github.reactions.filter((r) => r.commentId === 802)).toEqual([]);
  expect((await app.services.engine.store.listAudit({ limit: 2 })).map((e) => [e.actor, e.action, e.environment, e.outcome])).toEqual(
    expect.arrayContaining([
      ["octocat", "unlock", "vault", "refused"],
      ["octocat", "unlock", "scratch", "released"],
    ]),
  );
  // Someone protected.act names releases it.
  await app.receive(issueCommentEvent({ number: 14, login: "sam", body: "/envbot unlock", commentId: 803 }));
  expect(await app.services.engine.store.listLocks()).toEqual([]);
  expect(app.github.botComments(14).at(-1)!.body).toBe("Released the lock on `vault` held by #14.");
  expect(app.github.reactions).toContainEqual({ commentId: 803, content: "+1" });
});

test("a commenter without write access gets one reaction per comment and never a reply, whatever the command; a redelivery adds nothing", async () => {
  await openPullRequest(15, { "environments/quiet.yaml": definitionYaml("quiet", "sandbox") });
  app.github.permissions.set("visitor", "read");
  const comments = app.github.comments.length;
  const help = issueCommentEvent({ number: 15, login: "visitor", body: "/envbot help", commentId: 811 });
  await app.receive(help);
  await app.receive(issueCommentEvent({ number: 15, login: "visitor", body: "/envbot frobnicate", commentId: 812 }));
  await app.receive(issueCommentEvent({ number: 15, login: "visitor", body: "/envbot unlock", commentId: 813 }));
  // GitHub redelivers the same comment (same delivery id).
  await app.receive(help);
  expect(app.github.comments).toHaveLength(comments);
  expect(app.github.reactions).toEqual([
    { commentId: 811, content: "-1" },
    { commentId: 812, content: "-1" },
    { commentId: 813, content: "-1" },
  ]);
  expect(await app.services.engine.store.listLocks()).toHaveLength(1);
});

describe("/envbot extend, destroy and help", () => {
  // An end a day ahead, on the hour: extend counts from it (never from a past end), whatever day the suite runs.
  const HOUR = 3600_000;
  const ends = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR);
  const at = (hoursLater: number) => new Date(ends.getTime() + hoursLater * HOUR).toISOString().replace(".000Z", "Z");
  const warning = { title: `envbot: environment sandbox expires on ${at(0).slice(0, 10)} ${at(0).slice(11, 16)} UTC`, labels: ["envbot:expiry"] };
  beforeEach(async () => {
    await app.services.engine.store.upsertEnvironment({ repository: app.github.fullName, name: "sandbox", template: "sandbox", owner: "@your-org/your-team", status: "active", expiresAt: ends });
  });

  test("on an expiry warning, extend opens a pull request that moves the end later; a second one updates it", async () => {
    const issue = app.github.addIssue(warning);
    await app.receive(issueCommentEvent({ number: issue.number, login: "octocat", body: "/envbot extend 48h", commentId: 701, issue: warning }));
    const [pr] = app.github.createdPullRequests;
    expect(pr).toMatchObject({ title: `Extend environment sandbox: expires at ${at(48)}`, base: "main" });
    expect(app.github.filesOf(pr!.head)["environments/sandbox.yaml"]).toContain(`expiresAt: ${at(48)}`);
    expect(app.github.comments.at(-1)!.body).toBe(`Proposed in [#${pr!.number}](https://github.com/${app.github.fullName}/pull/${pr!.number}): \`sandbox\` expires at ${at(48)}. It takes effect when that pull request is merged.`);
    expect(app.github.reactions).toContainEqual({ commentId: 701, content: "+1" });

    await app.receive(issueCommentEvent({ number: issue.number, login: "octocat", body: "/envbot extend 96h", commentId: 702, issue: warning }));
    expect(app.github.createdPullRequests).toHaveLength(1);
    expect((await app.services.engine.store.listAudit({ limit: 5 })).map((e) => [e.actor, e.source, e.action, e.environment, e.outcome])).toEqual([
      ["octocat", "comment", "extend", "sandbox", `pull-request #${pr!.number}`],
      ["octocat", "comment", "extend", "sandbox", `pull-request #${pr!.number}`],
    ]);
    expect(app.github.createdPullRequests[0]!.title).toBe(`Extend environment sandbox: expires at ${at(96)}`);
    expect(app.github.filesOf(pr!.head)["environments/sandbox.yaml"]).toContain(`expiresAt: ${at(96)}`);
  });

  test("beyond maxTtl, or from a reader, extend is refused with the reason and opens nothing", async () => {
    const issue = app.github.addIssue(warning);
    await app.receive(issueCommentEvent({ number: issue.number, login: "octocat", body: "/envbot extend 2000h", commentId: 711, issue: warning }));
    expect(app.github.comments.at(-1)!.body).toMatch(/^@octocat, `\/envbot extend 2000h` was not done: the change would not be valid:\n- '.*' is more than 720h from now, the maximum set in .github\/envbot.yml$/);
    app.github.permissions.set("rita", "read");
    const comments = app.github.comments.length;
    await app.receive(issueCommentEvent({ number: issue.number, login: "rita", body: "/envbot extend 24h", commentId: 712, issue: warning }));
    // A reader gets a reaction, never a comment.
    expect(app.github.comments).toHaveLength(comments);
    expect(app.github.reactions).toEqual([{ commentId: 712, content: "-1" }]);
    expect(app.github.createdPullRequests).toEqual([]);
  });

  test("destroy NAME on a pull request opens the pull request that removes the definition; help lists what the commenter may do", async () => {
    await openPullRequest(20, { "environments/other.yaml": definitionYaml("other", "sandbox") });
    await app.receive(issueCommentEvent({ number: 20, login: "octocat", body: "/envbot destroy sandbox", commentId: 721 }));
    const [pr] = app.github.createdPullRequests;
    expect(pr!.title).toBe("Destroy environment sandbox");
    expect(app.github.filesOf(pr!.head)["environments/sandbox.yaml"]).toBeUndefined();

    main = { ...main, ".github/envbot.yml": `${main[".github/envbot.yml"]}\npolicy:\n  actions:\n    destroy: ["@octo-org/platform"]\n` };
    app.github.commit("main", main);
    await app.receive(issueCommentEvent({ number: 20, login: "octocat", body: "/envbot help", commentId: 722 }));
    const help = app.github.comments.at(-1)!.body;
    expect(help).toContain("- ✅ `/envbot plan [NAME]`");
    expect(help).toContain("- ⛔ `/envbot destroy NAME`: opens a pull request that removes NAME's definition; merging it destroys the environment (destroy is for @octo-org/platform (policy.actions.destroy in .github/envbot.yml))");
    expect(help).toContain("- ✅ `/envbot help`");
  });
});

describe("on a drift issue", () => {
  const driftIssue = { title: "envbot: drift in environment sandbox", labels: ["envbot:drift"] };
  const say = async (number: number, body: string, commentId: number, login = "octocat") => {
    await app.receive(issueCommentEvent({ number, login, body, commentId, issue: driftIssue }));
    await app.services.queue.idle();
    return app.github.comments.filter((c) => c.issue_number === number).at(-1)!.body;
  };
  beforeEach(async () => {
    await app.services.engine.store.upsertEnvironment({ repository: app.github.fullName, name: "sandbox", template: "sandbox", owner: "@your-org/your-team", status: "active", firstAppliedAt: new Date(), driftFingerprint: "f1" });
  });

  test("help lists revert, adopt and wake, with the policy's verdicts; a pull request's commands are answered that they work elsewhere, and revert on a pull request too", async () => {
    main = { ...main, ".github/envbot.yml": `${main[".github/envbot.yml"]}\npolicy:\n  actions:\n    revert: ["@octo-org/sre"]\n` };
    app.github.commit("main", main);
    const issue = app.github.addIssue(driftIssue);
    const help = await say(issue.number, "/envbot help", 731);
    expect(help).toMatch(/- ⛔ `\/envbot revert \[confirm\]`: .* \(revert is for @octo-org\/sre \(policy.actions.revert in .github\/envbot.yml\)\)/);
    expect(help).toContain("- ✅ `/envbot adopt`");
    expect(help).toContain("- ✅ `/envbot wake [NAME] [DURATION]`");
    expect(help).toContain("- ➖ `/envbot plan [NAME]`");
    expect(help).toContain("On this drift issue, NAME may be left out");
    expect(await say(issue.number, "/envbot plan", 732)).toBe("@octocat, `/envbot plan` was not done: on a drift issue, envbot takes `/envbot wake`, `/envbot revert`, `/envbot adopt` and `/envbot help`; the other commands work on a pull request.");
    await openPullRequest(21, { "environments/other.yaml": definitionYaml("other", "sandbox") });
    await app.receive(issueCommentEvent({ number: 21, login: "octocat", body: "/envbot adopt", commentId: 733 }));
    expect(app.github.comments.at(-1)!.body).toContain("`/envbot adopt` was not done: on a pull request, envbot takes");
    expect(app.github.comments.at(-1)!.body).toContain("it works on a drift issue.");
  });

  test("revert: the plan comes first; a confirmation needs the policy's revert rule, and applies nothing once main moved past the plan", async () => {
    main = { ...main, ".github/envbot.yml": `${main[".github/envbot.yml"]}\npolicy:\n  actions:\n    revert: ["@octo-org/sre"]\n` };
    app.github.commit("main", main);
    const issue = app.github.addIssue(driftIssue);
    const plan = await say(issue.number, "/envbot revert", 741);
    expect(plan).toContain(`<!-- envbot:revert-plan environment=sandbox commit=${app.github.headOf("main")} -->`);
    expect(plan).toContain("Reverting `sandbox` applies its definition on `main`");
    expect(plan).toContain("`module.environment.terraform_data.instance[0]` is created again");
    // Confirming is for the SRE team.
    expect(await say(issue.number, "/envbot revert confirm", 742)).toContain("revert is for @octo-org/sre (policy.actions.revert in .github/envbot.yml)");
    app.github.teams.set("sre", new Set(["octocat"]));
    // main moves on: the plan shown is no longer what an apply would do.
    app.github.commit("main", { ...main, "environments/other.yaml": definitionYaml("other", "sandbox") });
    expect(await say(issue.number, "/envbot revert confirm", 743)).toMatch(/^Not reverted: `main` moved since the plan/);
    expect((await app.services.engine.store.listRuns(app.github.fullName, "sandbox")).map((r) => r.kind)).toEqual(["plan"]);
    expect(app.github.issue(issue.number)).toMatchObject({ state: "open" });
    // A new plan, confirmed: applied, the issue closed, the drift resolved.
    await say(issue.number, "/envbot revert", 744);
    expect(await say(issue.number, "/envbot revert confirm", 745)).toMatch(/^✅ Reverted by octocat: `sandbox` is applied as defined on `main`/);
    expect(app.github.issue(issue.number)).toMatchObject({ state: "closed" });
    const reverted = (await app.services.engine.store.getEnvironment(app.github.fullName, "sandbox"))!;
    expect([reverted.status, reverted.driftFingerprint]).toEqual(["active", undefined]);
    expect((await app.services.engine.store.listAudit({ limit: 10 })).map((e) => `${e.action} ${e.outcome}`)).toEqual(expect.arrayContaining(["revert refused", "revert queued", "plan queued"]));
  });

  test("adopt of a sandbox with no drift: nothing to adopt, no pull request", async () => {
    const issue = app.github.addIssue(driftIssue);
    await app.services.engine.store.upsertEnvironment({ repository: app.github.fullName, name: "sandbox", status: "active" });
    expect(await say(issue.number, "/envbot adopt", 751)).toBe("Nothing to adopt: `sandbox` shows no drift now.");
    expect(app.github.createdPullRequests).toEqual([]);
  });
});

test("a definition with awake hours: the plan comment gives its schedule, the hours it sleeps and what that saves a month", async () => {
  const schedule = '  hibernation:\n    timeZone: Europe/Berlin\n    awake:\n      - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "19:00" }\n';
  await openPullRequest(5, { "environments/office.yaml": definitionYaml("office", "sandbox", `  ttl: 24h\n${schedule}`) });
  const body = app.github.botComments(5)[0]!.body;
  // The sandbox's terraform_data costs nothing: its saving is nothing too, and said so.
  expect(body).toContain("Hibernation: awake mon-fri 08:00-19:00 (Europe/Berlin); asleep 113 hours a week, destroyed until it wakes: saves about $0.00 a month.");
  expect(app.github.checks("envbot plan: office")).toMatchObject([{ conclusion: "success" }]);
});

test("/envbot wake NAME 2h wakes a sleeping environment at once and keeps it awake two hours; one without a schedule is told why", async () => {
  const schedule = '  hibernation:\n    timeZone: Europe/Berlin\n    awake:\n      - { days: [mon], from: "08:00", to: "09:00" }\n';
  main["environments/office.yaml"] = definitionYaml("office", "sandbox", schedule);
  main["environments/plain.yaml"] = definitionYaml("plain", "sandbox");
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
  const store = app.services.engine.store;
  const repository = app.github.fullName;
  // Applied, then put to sleep (destroyed: no state) by the schedule.
  for (const name of ["office", "plain"]) await store.upsertEnvironment({ repository, name, template: "sandbox", owner: "@acme/qa", status: "active", firstAppliedAt: new Date("2026-12-01T08:00:00Z"), ...(name === "office" && { hibernatedAt: new Date("2026-12-01T09:00:00Z") }) });
  await openPullRequest(12, { "environments/other.yaml": definitionYaml("other", "sandbox") });

  const before = Date.now();
  await app.receive(issueCommentEvent({ number: 12, login: "octocat", body: "/envbot wake office 2h", commentId: 601 }));
  expect(app.github.reactions).toContainEqual({ commentId: 601, content: "+1" });
  const awake = (await store.getEnvironment(repository, "office"))!;
  expect(awake.hibernatedAt).toBeUndefined();
  expect(awake.outputs).toMatchObject({ greeting: expect.any(String) });
  expect(awake.awakeUntil!.getTime()).toBeGreaterThanOrEqual(before + 2 * 3600_000);
  const [run] = await store.listRuns(repository, "office", 1);
  expect(run).toMatchObject({ kind: "apply", outcome: "succeeded", actor: "octocat" });
  expect(JSON.parse(run!.summary!)).toMatchObject({ hibernation: "wake" });
  const reply = app.github.botComments(12).at(-1)!.body;
  expect(reply).toMatch(/^Waking `office` now; it stays awake until \d{4}-\d\d-\d\d \d\d:\d\d UTC, then sleeps on its schedule\.$/);
  expect((await store.listAudit({ repositories: [repository], limit: 5 })).map((entry) => `${entry.action} ${entry.outcome}`)).toContain("wake woken");

  await app.receive(issueCommentEvent({ number: 12, login: "octocat", body: "/envbot wake plain", commentId: 602 }));
  expect(app.github.botComments(12).at(-1)!.body).toBe("@octocat, `/envbot wake plain` was not done: plain has no awake hours (spec.hibernation, or the repository's hibernation.default): it never sleeps.");
});
