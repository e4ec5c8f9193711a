import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SettingsError } from "../../src/adapters/server-env/settings.js";
import { startServer } from "../../src/composition/start-process.js";
import { createEnvbotApp } from "../../src/composition/app.js";
import { eventually } from "../helpers/eventually.js";
import { createTestProbot } from "../helpers/github/test-probot.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_PRIVATE_KEY } from "../helpers/github/test-probot.js";
import { pullRequestEvent, pushEvent } from "../helpers/github/webhook-payloads.js";

// `npm start` runs src/composition/main-embedded.ts (start-process.ts): Probot's settings from the environment, our own HTTP server.

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

/** At start the server looks for deliveries it missed while down: none here. */
function noMissedDeliveries(): void {
  githubApi().get("/app/hook/deliveries").query({ per_page: 100 }).optionally().reply(200, []);
}

test("at start the server asks GitHub to redeliver the webhooks that failed within the last hour and were never kept", async () => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, APP_ID: "123456", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s3cret", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "error", ENVBOT_DATA_DIR: dataDir };
  githubApi().get("/app/installations").query({ per_page: 100 }).reply(200, []);
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const delivery = (id: number, guid: string, deliveredAt: string, statusCode: number) => ({
    id, guid, delivered_at: deliveredAt, redelivery: false, duration: 0.1, status: statusCode === 200 ? "OK" : "connection refused", status_code: statusCode,
    event: "pull_request", action: "opened", installation_id: 42, repository_id: 7,
  });
  let redelivered = false;
  githubApi()
    .get("/app/hook/deliveries")
    .query({ per_page: 100 })
    .reply(200, [delivery(3, "while-down", minutesAgo(5), 0), delivery(2, "answered", minutesAgo(20), 200), delivery(1, "yesterday", minutesAgo(24 * 60), 0)])
    .post("/app/hook/deliveries/3/attempts")
    .reply(202, () => ((redelivered = true), {}));
  const { server, services, missed } = await startServer(env);
  try {
    await missed!.settled();
    expect(redelivered).toBe(true);
  } finally {
    missed?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services.engine.store.close();
  }
});

test("without the App's ID, private key and webhook secret the server refuses to start, naming all three and envbot setup", async () => {
  const start = startServer({ PATH: process.env.PATH, ENVBOT_DATA_DIR: dataDir });
  await expect(start).rejects.toThrow(SettingsError);
  await expect(start).rejects.toThrow(/^cannot start: APP_ID, PRIVATE_KEY \(or PRIVATE_KEY_PATH\), WEBHOOK_SECRET are not set/);
  // The way out: the command that creates the App and writes them.
  await expect(start).rejects.toThrow("'npx envbot setup --public-url URL' creates the App and writes them to .env");
});

test("a separate server or worker needs PostgreSQL to share its work, and a database URL that is not one is refused without echoing it", async () => {
  const env = { PATH: process.env.PATH, APP_ID: "123456", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s3cret", ENVBOT_DATA_DIR: dataDir };
  await expect(startServer(env, "worker")).rejects.toThrow("separate servers and workers share their work through PostgreSQL: set ENVBOT_DATABASE_URL");
  const wrong = startServer({ ...env, ENVBOT_DATABASE_URL: "mysql://root:hunter2@db/envbot" }, "server");
  await expect(wrong).rejects.toThrow("ENVBOT_DATABASE_URL: not a PostgreSQL connection URL");
  await expect(wrong).rejects.not.toThrow("hunter2");
});

test("the app loaded by another host refuses ENVBOT_DATABASE_URL instead of running embedded while it believes it scales out", async () => {
  const saved = process.env.ENVBOT_DATABASE_URL;
  process.env.ENVBOT_DATABASE_URL = "postgres://envbot@127.0.0.1:1/envbot";
  try {
    await expect(createTestProbot(createEnvbotApp())).rejects.toThrow("ENVBOT_DATABASE_URL (scale-out) needs envbot's own server");
  } finally {
    if (saved === undefined) delete process.env.ENVBOT_DATABASE_URL;
    else process.env.ENVBOT_DATABASE_URL = saved;
  }
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
  noMissedDeliveries();
  const { server, services, url, missed } = await startServer(env);
  try {
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/health/ready`)).status).toBe(200);

    const event = pullRequestEvent({ action: "closed", merged: false, number: 41, headSha: "a".repeat(40), baseSha: "b".repeat(40) });
    const response = await deliverWebhook({ url: `${url}/api/github/webhooks`, secret: "from-the-environment", ...event });
    expect(response.status).toBe(200);
    await services.queue.idle();
    expect(await services.engine.store.recordDelivery(event.id)).toBe(false); // the app recorded it
  } finally {
    // The start-up look at GitHub's delivery log ends inside the test that started it.
    await missed?.settled();
    missed?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services.engine.store.close();
  }
});

test("it serves the control plane (API, dashboard), and is not ready while its Terraform binary does not run, naming it", async () => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, APP_ID: "123456", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s3cret", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "error", ENVBOT_DATA_DIR: dataDir, TERRAFORM_BIN: "/nonexistent/terraform" };
  githubApi().get("/app/installations").query({ per_page: 100 }).reply(200, []);
  noMissedDeliveries();
  const { server, services, url, missed } = await startServer(env);
  try {
    const ready = await fetch(`${url}/api/v1/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toBe("the Terraform binary '/nonexistent/terraform' does not run (ENOENT)");
    expect((await fetch(`${url}/api/v1/environments`)).status).toBe(401);
    const dashboard = await fetch(`${url}/`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await dashboard.text()).toContain('<script type="module" src="/assets/app.js">');
    const script = await fetch(`${url}/assets/app.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    // Asked again on every load (no-cache), answered 304 while it is unchanged.
    const etag = script.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await fetch(`${url}/assets/app.js`, { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await fetch(`${url}/assets/app.js`, { headers: { "if-none-match": '"other"' } })).status).toBe(200);
    expect((await fetch(`${url}/assets/..%2Fserve-dashboard.ts`)).status).toBe(404);
  } finally {
    await missed?.settled();
    missed?.stop();
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
  noMissedDeliveries();
  const { server, services, url, missed } = await startServer(env);
  try {
    await eventually("the installations listed at start", () => listed === 1);
    expect(listed).toBe(1);
    for (const push of [
      pushEvent({ ref: "refs/heads/feature", modified: [".github/envbot.yml"] }),
      pushEvent({ ref: "refs/heads/main", modified: ["environments/preview.yaml"] }),
      pushEvent({ ref: "refs/heads/main", modified: [".github/envbot.yml"] }),
    ]) {
      expect((await deliverWebhook({ url: `${url}/api/github/webhooks`, secret: "s3cret", ...push })).status).toBe(200);
    }
    await eventually("the installations listed again", () => listed === 2);
    expect(listed).toBe(2);
  } finally {
    // The start-up look at GitHub's delivery log ends inside the test that started it.
    await missed?.settled();
    missed?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services.engine.store.close();
  }
});
