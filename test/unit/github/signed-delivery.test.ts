import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware } from "probot";
import { setupGitHubMock } from "../../helpers/github/github-mock.js";
import { deliverWebhook, signWebhook } from "../../helpers/github/signed-delivery.js";
import { createTestProbot, TEST_WEBHOOK_SECRET } from "../../helpers/github/test-probot.js";
import { pullRequestEvent } from "../../helpers/github/webhook-payloads.js";

const github = setupGitHubMock();
beforeEach(github.before);
afterEach(github.after);

let server: Server;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  // "fatal": the refused delivery is expected, and Probot would log it with its whole payload.
  const probot = await createTestProbot(
    (app) => {
      app.on("pull_request.opened", (context) => void received.push(context.id));
    },
    { logLevel: "fatal" },
  );
  const middleware = await createNodeMiddleware(() => {}, { probot });
  server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("the signature is GitHub's sha256 HMAC of the body", () => {
  // The example of GitHub's "Validating webhook deliveries" documentation.
  expect(signWebhook("It's a Secret to Everybody", "Hello, World!")).toBe(
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
  );
});

test("a signed delivery reaches the app over HTTP", async () => {
  const event = pullRequestEvent({ action: "opened", number: 1, headSha: "1".repeat(40), baseSha: "2".repeat(40) });

  const response = await deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, ...event });

  expect(response.status).toBe(200);
  expect(received).toContain(event.id);
});

test("a delivery with a wrong signature is refused", async () => {
  const event = pullRequestEvent({ action: "opened", number: 1, headSha: "1".repeat(40), baseSha: "2".repeat(40) });

  const response = await deliverWebhook({ url, secret: "not-the-secret", ...event });

  expect(response.status).toBe(400);
  expect(received).not.toContain(event.id);
});
