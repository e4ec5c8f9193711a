import { createHmac } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { existsSync } from "node:fs";
import { seal } from "../../src/access/api/session-cookie.js";
import { SESSION_SECRET_FILE } from "../../src/composition/keep-session-secret.js";
import { eventually, startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { GITHUB_API, githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { startPostgres } from "../helpers/postgres-server.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO } from "../helpers/github/webhook-payloads.js";

// The server as `npm start` runs it (node dist/composition/main-embedded.js), with sign-in and no ENVBOT_SESSION_SECRET:
// the key of its session cookies is its own, generated once and kept, never taken from WEBHOOK_SECRET.

const mock = setupGitHubMock();
let root: string;
let github: FakeGitHub;
let githubHttp: GitHubOverHttp;
const running: AppProcess[] = [];

beforeEach(async () => {
  mock.before();
  root = await mkdtemp(path.join(tmpdir(), "envbot-session-secret-"));
  github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
  github.install();
  githubApi().get("/app/installations").query(true).reply(200, []).persist();
  githubHttp = await serveGitHubOverHttp();
});
afterEach(async () => {
  for (const app of running.splice(0)) await app.killAll();
  await githubHttp.close();
  github.uninstall();
  await rm(root, { recursive: true, force: true });
  mock.after();
});

async function start(env: NodeJS.ProcessEnv, role?: "server"): Promise<AppProcess> {
  const app = await startAppProcess(env, { role });
  running.push(app);
  return app;
}

/** Signs alice in through the GitHub flow of the App's OAuth client (on the GitHub of GHE_HOST); the cookie, as a browser sends it. */
async function signIn(app: AppProcess): Promise<string> {
  const login = await fetch(`${app.url}/auth/login`, { redirect: "manual" });
  const state = new URL(login.headers.get("location")!).searchParams.get("state")!;
  const stateCookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  // The code exchange is on GitHub's web host, not in its REST API description: a plain nock.
  nock(GITHUB_API).post("/login/oauth/access_token").reply(200, { access_token: "gho_alice", token_type: "bearer", scope: "" });
  githubApi().get("/user").reply(200, { login: "alice", id: 1, type: "User" });
  const callback = await fetch(`${app.url}/auth/callback?code=c&state=${state}`, { redirect: "manual", headers: { cookie: stateCookie } });
  expect(callback.status).toBe(302);
  return callback.headers.getSetCookie().find((line) => line.startsWith("envbot_session="))!.split(";")[0]!;
}

test("with sign-in and no ENVBOT_SESSION_SECRET, the server generates its session key into a 0600 file, keeps it across a restart, never derives it from WEBHOOK_SECRET, and warns of a short webhook secret", async () => {
  expect(TEST_WEBHOOK_SECRET.length).toBeLessThan(20);
  const dataDir = path.join(root, "data");
  const env = { ENVBOT_DATA_DIR: dataDir, GHE_HOST: githubHttp.host, GITHUB_CLIENT_ID: "Iv1.test-client", GITHUB_CLIENT_SECRET: "test-client-secret" };
  const first = await start(env);
  const file = path.join(dataDir, SESSION_SECRET_FILE);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const secret = readFileSync(file, "utf8");
  await eventually("the warning about the webhook secret", () => first.output().includes("WEBHOOK_SECRET is shorter than 20 characters"), 10_000);
  expect(first.output()).not.toContain(TEST_WEBHOOK_SECRET);
  expect(first.output()).not.toContain(secret.trim());

  const cookie = await signIn(first);
  const me = (app: AppProcess, sent: string) => fetch(`${app.url}/api/v1/session`, { headers: { cookie: sent } });
  expect((await me(first, cookie)).status).toBe(200);

  // The same session (its id, login, CSRF token) sealed with the key envbot used to derive from the
  // webhook secret, as anyone who guessed that secret could: refused.
  const payload = JSON.parse(Buffer.from(cookie.slice("envbot_session=".length).split(".")[0]!, "base64url").toString("utf8")) as object;
  const derivedKey = createHmac("sha256", TEST_WEBHOOK_SECRET).update("envbot session cookies").digest("base64url");
  expect((await me(first, `envbot_session=${seal(payload, derivedKey)}`)).status).toBe(401);

  running.splice(running.indexOf(first), 1);
  await first.stop();
  const second = await start(env);
  expect(readFileSync(file, "utf8")).toBe(secret);
  const after = await me(second, cookie);
  expect(after.status).toBe(200);
  expect(((await after.json()) as { login: string }).login).toBe("alice");
});

test("in scale-out every server seals and opens sessions with the one key kept in PostgreSQL, and a sign-out on one server ends the session on all", async () => {
  const postgres = await startPostgres();
  try {
    const env = (name: string) => ({
      ENVBOT_DATABASE_URL: postgres.connectionString,
      ENVBOT_DATA_DIR: path.join(root, name),
      GHE_HOST: githubHttp.host,
      GITHUB_CLIENT_ID: "Iv1.test-client",
      GITHUB_CLIENT_SECRET: "test-client-secret",
    });
    // One after the other: the first generates the key, the second finds it kept (two callers at once are the store contract's).
    const one = await start(env("one"), "server");
    const two = await start(env("two"), "server");
    const cookie = await signIn(one);
    const me = (app: AppProcess) => fetch(`${app.url}/api/v1/session`, { headers: { cookie } });
    const answer = await me(two);
    expect(answer.status).toBe(200);
    const { csrfToken } = (await answer.json()) as { csrfToken: string };
    expect(existsSync(path.join(root, "one", SESSION_SECRET_FILE)) || existsSync(path.join(root, "two", SESSION_SECRET_FILE))).toBe(false);

    expect((await fetch(`${two.url}/auth/logout`, { method: "POST", headers: { cookie, "x-csrf-token": csrfToken } })).status).toBe(204);
    expect((await me(one)).status).toBe(401);
  } finally {
    for (const app of running.splice(0)) await app.killAll();
    await postgres.stop();
  }
});
