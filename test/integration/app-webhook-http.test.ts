import { jest } from "@jest/globals";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware } from "probot";
import { createEnvbotApp } from "../../src/app.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { createTestProbot, TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// Webhooks over real HTTP through Probot's middleware, as GitHub delivers them.
jest.setTimeout(60_000);

const mock = setupGitHubMock();
let app: AppHarness;
let server: Server;
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

  const probot = await createTestProbot(() => undefined);
  const middleware = await createNodeMiddleware(createEnvbotApp(app.services), { probot });
  server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
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
