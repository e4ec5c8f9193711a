import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { startEnvbotHttpServer, type RunningHttpServer } from "../helpers/envbot-http-server.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// Webhooks over real HTTP through the App's own server (src/composition/start-process.ts), as GitHub delivers them.

const mock = setupGitHubMock();
let app: AppHarness;
let server: RunningHttpServer;
let url: string;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  app.github.permissions.set("octocat", "write");
  const main = await starterRepository();
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
  app.github.commit(sha("head"), { ...main, "environments/web.yaml": definitionYaml("web", "sandbox") });
  app.github.pullRequests.set(12, { number: 12, headSha: sha("head"), baseSha: sha("main"), author: "octocat", files: [{ filename: "environments/web.yaml", status: "added" }] });

  server = await startEnvbotHttpServer(app.services);
  url = server.webhookUrl;
});
afterEach(async () => {
  await server.close();
  app.github.uninstall();
  await app.cleanup();
  mock.after();
});

test("a signed delivery is accepted at once and its plan follows in the background", async () => {
  const event = pullRequestEvent({ action: "opened", number: 12, headSha: sha("head"), baseSha: sha("main") });
  const response = await deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, ...event });
  expect(response.status).toBe(200);
  await app.services.queue.idle();
  expect(app.github.checks("envbot plan: web")).toMatchObject([{ conclusion: "success" }]);
});

test("a delivery with a bad signature is refused and does nothing", async () => {
  const event = pullRequestEvent({ action: "opened", number: 12, headSha: sha("head"), baseSha: sha("main") });
  const response = await deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, ...event, signature: `sha256=${"0".repeat(64)}` });
  expect(response.status).toBe(400);
  await app.services.queue.idle();
  expect(app.github.checkRuns).toEqual([]);
  expect(await app.services.engine.store.recordDelivery(event.id)).toBe(true); // never seen
});

describe("on GitHub Enterprise Server", () => {
  let enterprise: AppHarness;
  beforeEach(async () => {
    enterprise = await createAppHarness({ enterpriseHost: "ghe.example.com" });
    enterprise.github.install();
    enterprise.github.permissions.set("octocat", "write");
    const main = await starterRepository();
    enterprise.github.commit(sha("main"), main);
    enterprise.github.commit("main", main);
    enterprise.github.commit(sha("head"), { ...main, "environments/onprem.yaml": definitionYaml("onprem", "sandbox") });
    enterprise.github.pullRequests.set(13, { number: 13, headSha: sha("head"), baseSha: sha("main"), author: "octocat", files: [{ filename: "environments/onprem.yaml", status: "added" }] });
  });
  afterEach(async () => {
    enterprise.github.uninstall();
    await enterprise.cleanup();
  });

  test("the app talks to https://HOST/api/v3 and plans as on github.com", async () => {
    await enterprise.receive(pullRequestEvent({ action: "opened", number: 13, headSha: sha("head"), baseSha: sha("main") }));
    expect(enterprise.github.checks("envbot plan: onprem")).toMatchObject([{ conclusion: "success" }]);
    expect(enterprise.github.botComments(13)).toHaveLength(1);
  });
});
