import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";

// The product's main loop with the real terraform binary on the sandbox template; GitHub is a
// FakeGitHub repository behind nock, every request checked against GitHub's OpenAPI description.

const mock = setupGitHubMock();
let app: AppHarness;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  app.github.permissions.set("octocat", "write");
});
afterEach(async () => {
  app.github.uninstall();
  await app.cleanup();
  mock.after();
});

const preview = (replicas: number) => definitionYaml("preview", "sandbox", `  ttl: 24h\n  variables:\n    replicas: ${replicas}\n`);

test("open a PR -> plan comment; push -> the same comment updated; merge -> applied and deployed; delete -> destroyed", async () => {
  const { github } = app;
  const main0 = await starterRepository();
  github.commit(sha("main0"), main0);
  github.commit("main", main0);

  // 1. A pull request adds environments/preview.yaml.
  const head1 = { ...main0, "environments/preview.yaml": preview(1) };
  github.commit(sha("head1"), head1);
  github.pullRequests.set(1, { number: 1, headSha: sha("head1"), baseSha: sha("main0"), author: "octocat", files: [{ filename: "environments/preview.yaml", status: "added" }] });
  await app.receive(pullRequestEvent({ action: "opened", number: 1, headSha: sha("head1"), baseSha: sha("main0") }));

  expect(github.checks("envbot validate")).toMatchObject([{ head_sha: sha("head1"), status: "completed", conclusion: "success" }]);
  expect(github.checks("envbot plan: preview")).toMatchObject([{ head_sha: sha("head1"), status: "completed", conclusion: "success" }]);
  const [comment] = github.botComments(1);
  expect(github.botComments(1)).toHaveLength(1);
  expect(comment!.body).toContain("preview");
  expect(comment!.body).toContain("1 to add, 0 to change, 0 to destroy");
  expect(await app.services.engine.store.listLocks(github.fullName)).toMatchObject([{ environment: "preview", holder: { kind: "pull-request", number: 1 } }]);

  // 2. A second push changes it: the one comment is updated in place.
  const head2 = { ...main0, "environments/preview.yaml": preview(2) };
  github.commit(sha("head2"), head2);
  github.pullRequests.get(1)!.headSha = sha("head2");
  await app.receive(pullRequestEvent({ action: "synchronize", number: 1, headSha: sha("head2"), baseSha: sha("main0") }));
  expect(github.botComments(1)).toHaveLength(1);
  expect(github.botComments(1)[0]!.id).toBe(comment!.id);
  expect(github.botComments(1)[0]!.body).toContain("2 to add, 0 to change, 0 to destroy");

  // 3. Merged: planned again at the merge commit, applied, deployed, reported; the lock is released.
  github.commit(sha("main1"), head2);
  github.commit("main", head2);
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("main1"), number: 1, headSha: sha("head2"), baseSha: sha("main0") }));
  expect(github.checks("envbot apply: preview")).toMatchObject([{ head_sha: sha("main1"), status: "completed", conclusion: "success" }]);
  expect(github.deployments).toMatchObject([{ ref: sha("main1"), environment: "preview", statuses: [{ state: "in_progress" }, { state: "success" }] }]);
  const applyComment = github.botComments(1).find((c) => c.body.includes("envbot:pull-request-apply"));
  expect(applyComment?.body).toContain("preview");
  expect(await app.services.engine.store.getEnvironment(github.fullName, "preview")).toMatchObject({ status: "active" });
  expect(await app.services.engine.store.listLocks(github.fullName)).toEqual([]);

  // 4. Another pull request deletes the definition: the plan says destroy; the merge destroys it.
  const { ["environments/preview.yaml"]: _removed, ...head3 } = head2;
  github.commit(sha("head3"), head3);
  github.pullRequests.set(2, { number: 2, headSha: sha("head3"), baseSha: sha("main1"), author: "octocat", files: [{ filename: "environments/preview.yaml", status: "removed" }] });
  await app.receive(pullRequestEvent({ action: "opened", number: 2, headSha: sha("head3"), baseSha: sha("main1") }));
  expect(github.botComments(2)[0]!.body).toContain("0 to add, 0 to change, 2 to destroy");
  github.commit(sha("main2"), head3);
  github.commit("main", head3);
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("main2"), number: 2, headSha: sha("head3"), baseSha: sha("main1") }));
  expect(github.checks("envbot apply: preview").at(-1)).toMatchObject({ head_sha: sha("main2"), conclusion: "success" });
  expect(await app.services.engine.store.getEnvironment(github.fullName, "preview")).toMatchObject({ status: "destroyed" });
  // GitHub's environments view shows it gone: its deployment is inactive.
  expect(github.deployments).toHaveLength(1);
  expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(["in_progress", "success", "inactive"]);
});
