import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SettingsError } from "../../src/settings.js";
import { startServer } from "../../src/server.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_PRIVATE_KEY } from "../helpers/github/test-probot.js";
import { pullRequestEvent, pushEvent } from "../helpers/github/webhook-payloads.js";

// `npm start` runs src/server.ts: Probot's settings from the environment, our own HTTP server.

const mock = setupGitHubMock();
let dataDir: string;

beforeEach(async () => {
  mock.before();
  dataDir = await mkdtemp(path.join(tmpdir(), "envbot-server-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
  mock.after();
});

test("without the App's ID, private key and webhook secret the server refuses to start, naming all three", async () => {
  const start = startServer({ PATH: process.env.PATH, ENVBOT_DATA_DIR: dataDir });
  await expect(start).rejects.toThrow(SettingsError);
  await expect(start).rejects.toThrow(/APP_ID, PRIVATE_KEY \(or PRIVATE_KEY_PATH\), WEBHOOK_SECRET are not set/);
});

test("started from the environment, it answers health checks and takes signed deliveries", async () => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    APP_ID: "123456",
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    WEBHOOK_SECRET: "from-the-environment",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "error",
    ENVBOT_DATA_DIR: dataDir,
  };
  // The reconcile schedules start by listing the App's installations: none yet.
  githubApi().get("/app/installations").query({ per_page: 100 }).reply(200, []);
  const { server, services, url } = await startServer(env);
  try {
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/health/ready`)).status).toBe(200);

    const event = pullRequestEvent({ action: "closed", merged: false, number: 41, headSha: "a".repeat(40), baseSha: "b".repeat(40) });
    const response = await deliverWebhook({ url: `${url}/api/github/webhooks`, secret: "from-the-environment", ...event });
    expect(response.status).toBe(200);
    await services.queue.idle();
    expect(await services.engine.store.recordDelivery(event.id)).toBe(false); // the app recorded it
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services.engine.store.close();
  }
});

test("a push that changes .github/envbot.yml on the default branch re-reads the reconcile schedules at once; other pushes do not", async () => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, APP_ID: "123456", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s3cret", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "error", ENVBOT_DATA_DIR: dataDir };
  // Listing the installations is what a refresh does first: once at start, once for the one push that matters.
  let listed = 0;
  githubApi().get("/app/installations").query({ per_page: 100 }).times(2).reply(200, () => (listed++, []));
  const { server, services, url } = await startServer(env);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  try {
    await until(() => listed === 1);
    expect(listed).toBe(1);
    for (const push of [
      pushEvent({ ref: "refs/heads/feature", modified: [".github/envbot.yml"] }),
      pushEvent({ ref: "refs/heads/main", modified: ["environments/preview.yaml"] }),
      pushEvent({ ref: "refs/heads/main", modified: [".github/envbot.yml"] }),
    ]) {
      expect((await deliverWebhook({ url: `${url}/api/github/webhooks`, secret: "s3cret", ...push })).status).toBe(200);
    }
    await until(() => listed === 2);
    expect(listed).toBe(2);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services.engine.store.close();
  }
});
