import { githubApi, mockInstallationToken, setupGitHubMock } from "../../helpers/github/github-mock.js";
import { createTestProbot } from "../../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO } from "../../helpers/github/webhook-payloads.js";

const github = setupGitHubMock();
beforeEach(github.before);
afterEach(github.after);

const commentsPath = `/repos/${DEFAULT_OWNER}/${DEFAULT_REPO}/issues/1/comments`;

async function installationOctokit() {
  const probot = await createTestProbot(() => {});
  return probot.auth(DEFAULT_INSTALLATION_ID);
}

test("comments are not throttled (throttled, each one after the first waits ~3 s)", async () => {
  const octokit = await installationOctokit();
  mockInstallationToken(githubApi(), DEFAULT_INSTALLATION_ID).post(commentsPath).times(3).reply(201, { id: 1 });

  const started = Date.now();
  for (let i = 0; i < 3; i++) {
    await octokit.rest.issues.createComment({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, issue_number: 1, body: `${i}` });
  }

  expect(Date.now() - started).toBeLessThan(2000);
});

test("a server error is not retried, so one mock answers one request", async () => {
  const octokit = await installationOctokit();
  mockInstallationToken(githubApi(), DEFAULT_INSTALLATION_ID).post(commentsPath).reply(502, { message: "Bad Gateway" });

  await expect(
    octokit.rest.issues.createComment({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, issue_number: 1, body: "hi" }),
  ).rejects.toMatchObject({ status: 502 });
});
