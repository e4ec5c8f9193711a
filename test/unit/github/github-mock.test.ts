import type { ApplicationFunction } from "probot";
import { githubApi, mockInstallationToken, recordedGitHubRequests, setupGitHubMock } from "../../helpers/github/github-mock.js";
import { createTestProbot } from "../../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, pullRequestEvent } from "../../helpers/github/webhook-payloads.js";

const github = setupGitHubMock();
beforeEach(github.before);
afterEach(github.after);

const opened = () => pullRequestEvent({ action: "opened", number: 7, headSha: "1".repeat(40), baseSha: "2".repeat(40) });
const commentsPath = "/repos/octo-org/environments/issues/7/comments";

/** Greets every new pull request; `extra` lets a test slip in a parameter GitHub does not know. */
const greeter =
  (extra: Record<string, unknown> = {}): ApplicationFunction =>
  (app) => {
    app.on("pull_request.opened", async (context) => {
      await context.octokit.rest.issues.createComment(context.issue({ body: "Thanks! envbot is planning.", ...extra }));
    });
  };

test("an app that comments as GitHub documents passes", async () => {
  const probot = await createTestProbot(greeter());
  mockInstallationToken(githubApi(), DEFAULT_INSTALLATION_ID).post(commentsPath).reply(201, { id: 1 });

  await probot.receive(opened());

  expect(recordedGitHubRequests()).toEqual([
    expect.objectContaining({ method: "POST", path: `/app/installations/${DEFAULT_INSTALLATION_ID}/access_tokens` }),
    { method: "POST", path: commentsPath, body: { body: "Thanks! envbot is planning." }, matched: true },
  ]);
});

test("a request body GitHub would reject fails the test, even though a mock answered it", async () => {
  const probot = await createTestProbot(greeter({ labels: ["envbot"] }));
  mockInstallationToken(githubApi(), DEFAULT_INSTALLATION_ID).post(commentsPath).reply(201, { id: 1 });

  await probot.receive(opened());

  expect(() => github.after()).toThrow(
    "requests GitHub's OpenAPI description rejects:\n  POST /repos/octo-org/environments/issues/7/comments: unknown body property 'labels'",
  );
});

test("a mock the app never called fails the test", async () => {
  const probot = await createTestProbot(() => {});
  githubApi().post(commentsPath).reply(201, { id: 1 });

  await probot.receive(opened());

  expect(() => github.after()).toThrow(`mocks the app never called:\n  POST https://api.github.com:443${commentsPath}`);
});

test("a request no mock matches fails the app and the test", async () => {
  const probot = await createTestProbot(greeter(), { logLevel: "fatal" }); // the failure is expected
  mockInstallationToken(githubApi(), DEFAULT_INSTALLATION_ID);

  await expect(probot.receive(opened())).rejects.toThrow(/No match for request/);

  expect(() => github.after()).toThrow(`requests no mock matched:\n  POST https://api.github.com${commentsPath}`);
});
