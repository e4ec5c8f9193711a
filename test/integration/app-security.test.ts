import { blobSha } from "../helpers/github/fake-github.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";
import { issueCommentEvent, pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// Holes an adversarial review found (issue 9), each replayed through the real App as it was
// found: fork pull requests, read-only authors, hostile definitions. Real terraform, SQLite.

const SERVER_CREDENTIAL = "postgres://envbot:server-password-5d1e@db.internal/state";
const PASSPHRASE = "one two three four five six seven eight staple number nine ten eleven";

const mock = setupGitHubMock();
let app: AppHarness;
let main: Record<string, string>;

async function startApp(options: { concurrency?: number } = {}) {
  app = await createAppHarness({
    env: { PG_CONN_STR: SERVER_CREDENTIAL, TEAM_PASSPHRASE: PASSPHRASE, ENVBOT_SECRETS_ALLOW: "TEAM_*; acme/other=awssecret:*" },
    concurrency: options.concurrency,
  });
  app.github.install();
  app.github.permissions.set("octocat", "write");
  app.github.permissions.set("outsider", "read");
  main = await starterRepository(["leaky-secret", "wrapped-secret"]);
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
}

beforeEach(() => mock.before());
afterEach(async () => {
  app.github.uninstall();
  await app.cleanup();
  mock.after();
});

/** Pull request `number` whose head is main plus `files`, as the FakeGitHub knows it. */
function pullRequest(number: number, files: Record<string, string>, options: { author?: string; fork?: boolean; removed?: string[] } = {}) {
  const { removed = [] } = options;
  const headFiles = Object.fromEntries(Object.entries({ ...main, ...files }).filter(([path]) => !removed.includes(path)));
  app.github.commit(sha(`head-${number}`), headFiles);
  app.github.pullRequests.set(number, {
    number,
    headSha: sha(`head-${number}`),
    baseSha: sha("main"),
    author: options.author ?? "octocat",
    ...(options.fork ? { headRepository: `${options.author}/environments` } : {}),
    files: [
      ...Object.keys(files).map((filename) => ({ filename, status: main[filename] === undefined ? "added" : "modified" })),
      ...removed.map((filename) => ({ filename, status: "removed" })),
    ],
  });
  return { headSha: sha(`head-${number}`), baseSha: sha("main"), headFiles };
}

async function open(number: number, files: Record<string, string>, options: { author?: string; fork?: boolean; removed?: string[]; baseRef?: string } = {}) {
  const { headSha, baseSha, headFiles } = pullRequest(number, files, options);
  await app.receive(pullRequestEvent({ action: "opened", number, headSha, baseSha, author: options.author, fork: options.fork, baseRef: options.baseRef }));
  return headFiles;
}

async function merge(number: number, mergedFiles: Record<string, string>, options: { baseRef?: string } = {}) {
  app.github.commit(sha(`merged-${number}`), mergedFiles);
  if (!options.baseRef) app.github.commit("main", mergedFiles);
  await app.receive(
    pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha(`merged-${number}`), number, headSha: sha(`head-${number}`), baseSha: sha("main"), baseRef: options.baseRef }),
  );
}

const sentToGitHub = () => JSON.stringify(recordedGitHubRequests().map((r) => r.body));

describe("1. fromEnv cannot read the server's credentials", () => {
  beforeEach(() => startApp());

  test("a fork's definition asking for PG_CONN_STR is refused at its line before any plan, and the value goes nowhere", async () => {
    const definition = definitionYaml("steal", "leaky-secret", "  secrets:\n    api_token: { fromEnv: PG_CONN_STR }\n");
    await open(21, { "environments/steal.yaml": definition }, { author: "outsider", fork: true });
    const [validate] = app.github.checks("envbot validate");
    expect(validate).toMatchObject({ conclusion: "failure" });
    expect(validate!.annotations).toEqual([
      expect.objectContaining({
        path: "environments/steal.yaml",
        start_line: 9,
        message: expect.stringContaining("one of the envbot server's own settings or credentials, which a definition can never read"),
      }),
    ]);
    expect(JSON.stringify(validate!.annotations)).not.toContain("ENVBOT_SECRETS_ALLOW");
    expect(app.github.checks(/^envbot plan/)).toEqual([]);
    expect(sentToGitHub()).not.toContain("server-password");
    expect(await app.services.engine.store.listRuns(app.github.fullName, "steal")).toEqual([]);
  });

  test("a variable the operator has not allowed is reported with the setting that allows it", async () => {
    await open(22, { "environments/other.yaml": definitionYaml("other", "leaky-secret", "  secrets:\n    api_token: { fromEnv: OTHER_TOKEN }\n") });
    const [validate] = app.github.checks("envbot validate");
    expect(validate!.annotations).toEqual([
      expect.objectContaining({ start_line: 9, message: expect.stringContaining("it matches none of the server's ENVBOT_SECRETS_ALLOW patterns (TEAM_*)") }),
    ]);
    expect(app.github.checks(/^envbot plan/)).toEqual([]);
  });

  test("a source allowed only to another repository is refused at its line in the check run, before any plan", async () => {
    await open(24, { "environments/cloud.yaml": definitionYaml("cloud", "leaky-secret", "  secrets:\n    api_token: { fromAwsSecret: prod/db, key: password }\n") });
    const [validate] = app.github.checks("envbot validate");
    expect(validate!.annotations).toEqual([
      expect.objectContaining({
        start_line: 9,
        message: expect.stringContaining(`the envbot server will not read this Secrets Manager secret: the server's ENVBOT_SECRETS_ALLOW lets ${app.github.fullName} read no Secrets Manager secret`),
      }),
    ]);
    expect(app.github.checks(/^envbot plan/)).toEqual([]);
  });
});

describe("2. a secret Terraform wraps across lines", () => {
  beforeEach(() => startApp());

  test("an apply error quoting a passphrase with spaces reaches no comment, check run or run record", async () => {
    const files = { "environments/wrapped.yaml": definitionYaml("wrapped", "wrapped-secret", "  secrets:\n    api_token: { fromEnv: TEAM_PASSPHRASE }\n") };
    const head = await open(23, files);
    expect(app.github.checks("envbot plan: wrapped")[0]).toMatchObject({ conclusion: "success" });
    await merge(23, head);
    const [apply] = app.github.checks("envbot apply: wrapped");
    expect(apply).toMatchObject({ conclusion: "failure" });
    expect(JSON.stringify(apply)).toContain("The service refused the credential [redacted]");
    const runs = JSON.stringify(await app.services.engine.store.listRuns(app.github.fullName, "wrapped"));
    for (const text of [sentToGitHub(), runs]) expect(text).not.toMatch(/staple|ten eleven/);
  });
});

describe("3. only merges into the default branch are applied, with the default branch's policy", () => {
  beforeEach(() => startApp());

  test("a pull request into a branch whose policy raises maxTtl is refused by main's policy and never applied", async () => {
    const release = { ...main, ".github/envbot.yml": "limits:\n  maxTtl: 60000h\n" };
    app.github.commit("release", release);
    const files = { "environments/forever.yaml": definitionYaml("forever", "sandbox", "  ttl: 50000h\n") };
    const head = await open(24, files, { baseRef: "release" });
    expect(app.github.checks("envbot validate")[0]).toMatchObject({ conclusion: "failure" });
    expect(app.github.botComments(24)[0]!.body).toContain("merges into `release`, not the default branch `main`");

    await merge(24, { ...release, ...head }, { baseRef: "release" });
    expect(app.github.checks("envbot apply: forever")).toEqual([]);
    expect(await app.services.engine.store.getEnvironment(app.github.fullName, "forever")).toBeUndefined();
    const applyComment = app.github.botComments(24).find((c) => c.body.includes("envbot:pull-request-apply"));
    expect(applyComment!.body).toContain("Nothing was applied. This pull request merges into `release`, not the default branch `main`");
    expect(await app.services.engine.store.listLocks()).toEqual([]);
  });
});

describe("5. an author who cannot write cannot hold an environment", () => {
  beforeEach(() => startApp());

  test("a fork's pull request plans without taking the lock; a writer's pull request then plans and holds it", async () => {
    const definition = (greeting: string) => ({ "environments/shared.yaml": definitionYaml("shared", "sandbox", `  variables:\n    greeting: ${greeting}\n`) });
    await open(25, definition("from a fork"), { author: "outsider", fork: true });
    expect(app.github.checks("envbot plan: shared")[0]).toMatchObject({ conclusion: "success" });
    expect(app.github.botComments(25)[0]!.body).toContain("does not lock the environment");
    expect(await app.services.engine.store.listLocks()).toEqual([]);

    await open(26, definition("from a writer"));
    expect(app.github.checks("envbot plan: shared").map((c) => c.conclusion)).toEqual(["success", "success"]);
    expect(app.github.botComments(26)[0]!.body).not.toMatch(/locked by/i);
    expect(await app.services.engine.store.listLocks()).toMatchObject([{ environment: "shared", holder: { kind: "pull-request", number: 26 } }]);

    // The fork's next push is now told who holds it.
    await app.receive(pullRequestEvent({ action: "synchronize", number: 25, headSha: sha("head-25"), baseSha: sha("main"), author: "outsider", fork: true }));
    expect(app.github.botComments(25)[0]!.body).toMatch(/locked by #26/i);
  });
});

describe("6. one pull request cannot take all the workers", () => {
  const definitions = (prefix: string, count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`environments/${prefix}-${i}.yaml`, definitionYaml(`${prefix}-${i}`, "sandbox")]));

  test("a pull request with more environments than the policy allows is asked to split, and nothing is planned or applied", async () => {
    await startApp();
    const head = await open(27, definitions("many", 11), { author: "outsider", fork: true });
    expect(app.github.checks("envbot validate")[0]).toMatchObject({ conclusion: "failure", output: { title: "11 environments: at most 10 per pull request" } });
    expect(app.github.botComments(27)[0]!.body).toContain("Split it into smaller pull requests");
    expect(app.github.checks(/^envbot plan/)).toEqual([]);
    // Only the policy was read: neither the head commit's files nor any of the 11 definitions was fetched.
    const definitionBlobs = Object.values(definitions("many", 11)).map((content) => `/git/blobs/${blobSha(content)}`);
    const headReads = recordedGitHubRequests().filter((r) => r.path.includes(sha("head-27")) || definitionBlobs.some((blob) => r.path.endsWith(blob)));
    expect(headReads).toEqual([]);

    await merge(27, head);
    expect(app.github.checks(/^envbot apply/)).toEqual([]);
    expect(app.github.botComments(27).find((c) => c.body.includes("envbot:pull-request-apply"))!.body).toContain("Nothing was applied.");
  });

  test("with one Terraform slot, a pull request of one environment is planned before a larger one finishes", async () => {
    await startApp({ concurrency: 1 });
    pullRequest(28, definitions("big", 5));
    pullRequest(29, definitions("small", 1));
    await app.probot.receive(pullRequestEvent({ action: "opened", number: 28, headSha: sha("head-28"), baseSha: sha("main") }));
    await app.probot.receive(pullRequestEvent({ action: "opened", number: 29, headSha: sha("head-29"), baseSha: sha("main") }));
    await app.services.queue.idle();
    const finished = async (name: string) => (await app.services.engine.store.listRuns(app.github.fullName, name))[0]!.id;
    const small = await finished("small-0");
    const big = await Promise.all([0, 1, 2, 3, 4].map((i) => finished(`big-${i}`)));
    expect(big.filter((id) => id > small).length).toBeGreaterThanOrEqual(3);
  });
});

describe("minor", () => {
  beforeEach(() => startApp());

  test("/envbot plan NAME for an environment the pull request does not touch says which it does", async () => {
    await open(31, { "environments/web.yaml": definitionYaml("web", "sandbox") });
    await app.receive(issueCommentEvent({ number: 31, login: "octocat", body: "/envbot plan nosuchenv", commentId: 901 }));
    expect(app.github.botComments(31).at(-1)!.body).toBe("There is no environment `nosuchenv` in this pull request. Its environments: `web`.");
  });

  test("a writer's pull request removing a definition plans the destroy without blaming the author's access", async () => {
    const head = await open(32, { "environments/gone.yaml": definitionYaml("gone", "sandbox") });
    await merge(32, head);
    main = head;
    app.github.commit(sha("main"), main);
    await open(33, {}, { removed: ["environments/gone.yaml"] });
    const body = app.github.botComments(33)[0]!.body;
    expect(body).toContain("1 to destroy");
    expect(body).not.toContain("write access");
  });
});
