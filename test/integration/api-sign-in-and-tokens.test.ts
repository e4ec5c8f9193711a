import nock from "nock";
import { newSession, seal } from "../../src/access/api/session-cookie.js";
import { startControlPlaneServer, TEST_SESSION_SECRET, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";

// Signing in with GitHub (the OAuth web flow, GitHub stubbed) and API tokens, over real HTTP.

const REPO = "octo-org/environments";
const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;

const signIn = { clientId: "Iv1.test-client", clientSecret: "test-client-secret", webUrl: "https://github.com", apiUrl: "https://api.github.com" };

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  github.install();
  github.permissions.set("alice", "write");
  github.permissions.set("rita", "read");
  api = await startControlPlaneServer({ signIn });
  await api.store.upsertEnvironment({ repository: REPO, name: "checkout", template: "sandbox", owner: "alice", status: "active" });
});

afterEach(async () => {
  await api.close();
  github.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

/** The cookies a response sets, by name. */
function setCookies(response: Response): Map<string, string> {
  return new Map(response.headers.getSetCookie().map((line) => [line.split("=")[0]!, line]));
}

describe("sign in with GitHub", () => {
  test("login sends the person to GitHub with a state; the callback checks it, learns the login and sets an HttpOnly, SameSite session", async () => {
    const login = await fetch(`${api.origin}/auth/login?returnTo=/environments/octo-org/environments/checkout`, { redirect: "manual" });
    expect(login.status).toBe(302);
    const to = new URL(login.headers.get("location")!);
    expect(`${to.origin}${to.pathname}`).toBe("https://github.com/login/oauth/authorize");
    expect(to.searchParams.get("client_id")).toBe(signIn.clientId);
    expect(to.searchParams.get("redirect_uri")).toBe(`${api.origin}/auth/callback`);
    const state = to.searchParams.get("state")!;
    const stateCookie = setCookies(login).get("envbot_oauth_state")!;
    expect(stateCookie).toMatch(/HttpOnly; SameSite=Lax/);

    nock("https://github.com")
      .post("/login/oauth/access_token", (body) => body.client_id === signIn.clientId && body.client_secret === signIn.clientSecret && body.code === "the-code")
      .reply(200, { access_token: "gho_user_token", token_type: "bearer", scope: "" });
    githubApi()
      .get("/user")
      .matchHeader("authorization", "Bearer gho_user_token")
      .reply(200, { login: "alice", id: 1, type: "User" });
    const callback = await fetch(`${api.origin}/auth/callback?code=the-code&state=${state}`, { redirect: "manual", headers: { cookie: stateCookie.split(";")[0]! } });
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("/environments/octo-org/environments/checkout");
    const session = setCookies(callback).get("envbot_session")!;
    expect(session).toMatch(/^envbot_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/);
    expect(session).not.toContain("gho_user_token");

    const me = await fetch(`${api.origin}/api/v1/session`, { headers: { cookie: session.split(";")[0]! } });
    expect(await me.json()).toEqual({ login: "alice", via: "session", csrfToken: expect.any(String) });
  });

  test("a callback without the state this browser was given is refused, and nothing is asked of GitHub", async () => {
    const callback = await fetch(`${api.origin}/auth/callback?code=the-code&state=guessed`, { redirect: "manual" });
    expect(callback.status).toBe(400);
    expect(setCookies(callback).has("envbot_session")).toBe(false);
  });

  test("returnTo only ever leads back into envbot, never to another site", async () => {
    for (const returnTo of ["//evil.example/x", "https://evil.example", "/\\evil.example"]) {
      const login = await fetch(`${api.origin}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: "manual" });
      const state = new URL(login.headers.get("location")!).searchParams.get("state");
      nock("https://github.com").post("/login/oauth/access_token").reply(200, { access_token: "gho_t" });
      githubApi().get("/user").reply(200, { login: "alice", id: 1, type: "User" });
      const callback = await fetch(`${api.origin}/auth/callback?code=c&state=${state}`, { redirect: "manual", headers: { cookie: setCookies(login).get("envbot_oauth_state")!.split(";")[0]! } });
      expect([returnTo, callback.headers.get("location")]).toEqual([returnTo, "/"]);
    }
  });

  test("signing out needs the session's CSRF token, and clears the cookie", async () => {
    const session = await api.signIn("alice");
    const refused = await fetch(`${api.origin}/auth/logout`, { method: "POST", headers: { cookie: `envbot_session=${session.cookie}` } });
    expect(refused.status).toBe(403);
    const out = await fetch(`${api.origin}/auth/logout`, { method: "POST", headers: { cookie: `envbot_session=${session.cookie}`, "x-csrf-token": session.csrf } });
    expect(out.status).toBe(204);
    expect(setCookies(out).get("envbot_session")).toContain("Max-Age=0");
  });
});

/** Signs `login` in through the whole GitHub flow (GitHub stubbed); the session cookie it set, as a browser sends it. */
async function signInThroughGitHub(login: string): Promise<{ cookie: string; csrf: string }> {
  const start = await fetch(`${api.origin}/auth/login`, { redirect: "manual" });
  const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
  nock("https://github.com").post("/login/oauth/access_token").reply(200, { access_token: `gho_${login}`, token_type: "bearer", scope: "" });
  githubApi().get("/user").reply(200, { login, id: 1, type: "User" });
  const callback = await fetch(`${api.origin}/auth/callback?code=c&state=${state}`, { redirect: "manual", headers: { cookie: setCookies(start).get("envbot_oauth_state")!.split(";")[0]! } });
  const cookie = setCookies(callback).get("envbot_session")!.split(";")[0]!;
  const me = await fetch(`${api.origin}/api/v1/session`, { headers: { cookie } });
  return { cookie, csrf: ((await me.json()) as { csrfToken: string }).csrfToken };
}

describe("sessions end on the server", () => {
  const session = (cookie: string) => fetch(`${api.origin}/api/v1/session`, { headers: { cookie } });

  test("signing out ends the session wherever its cookie was copied: the copy is refused afterwards", async () => {
    const alice = await signInThroughGitHub("alice");
    const copy = alice.cookie; // what someone took from the browser, or a proxy's log
    expect((await session(copy)).status).toBe(200);
    const out = await fetch(`${api.origin}/auth/logout`, { method: "POST", headers: { cookie: alice.cookie, "x-csrf-token": alice.csrf } });
    expect(out.status).toBe(204);
    const refused = await session(copy);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toBe("the session has ended: sign in with GitHub again");
    // Signing out again with the dead cookie only clears it.
    expect((await fetch(`${api.origin}/auth/logout`, { method: "POST", headers: { cookie: copy } })).status).toBe(204);
  });

  test("a person ends all their sessions at once (DELETE /api/v1/sessions): every browser's cookie is refused, another person's is not", async () => {
    const laptop = await signInThroughGitHub("alice");
    const phone = await signInThroughGitHub("alice");
    const rita = await signInThroughGitHub("rita");
    const token = { token: await api.tokenFor("alice", [REPO]) };
    expect((await api.call("DELETE", "/api/v1/sessions", { as: token })).status).toBe(403); // only a signed-in person
    const ended = await fetch(`${api.origin}/api/v1/sessions`, { method: "DELETE", headers: { cookie: phone.cookie, "x-csrf-token": phone.csrf } });
    expect([ended.status, await ended.json()]).toEqual([200, { ended: 2 }]);
    expect((await session(laptop.cookie)).status).toBe(401);
    expect((await session(phone.cookie)).status).toBe(401);
    expect((await session(rita.cookie)).status).toBe(200);
    // Without the CSRF token another site cannot end them.
    const again = await signInThroughGitHub("alice");
    expect((await fetch(`${api.origin}/api/v1/sessions`, { method: "DELETE", headers: { cookie: again.cookie } })).status).toBe(403);
    expect((await session(again.cookie)).status).toBe(200);
  });

  test("a cookie for a session the server never kept (sealed right, but no record) is refused", async () => {
    const forged = seal(newSession("alice", new Date()), TEST_SESSION_SECRET);
    expect((await session(`envbot_session=${forged}`)).status).toBe(401);
  });
});

describe("API tokens", () => {
  test("a signed-in person creates a token, sees it once, uses it within its repositories, and revokes it", async () => {
    const alice = { session: api.sessionFor("alice") };
    const created = await api.call("POST", "/api/v1/tokens", { as: alice, body: { name: "ci deploys", repositories: [REPO] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "ci deploys", login: "alice", repositories: [REPO], token: expect.stringMatching(/^envbot_/) });
    expect(created.headers.get("cache-control")).toBe("no-store");
    const token = { token: created.body.token as string };

    const listed = await api.call("GET", "/api/v1/tokens", { as: alice });
    expect(listed.body.items).toEqual([{ id: created.body.id, name: "ci deploys", login: "alice", repositories: [REPO], createdAt: expect.any(String), lastUsedAt: null }]);
    expect(JSON.stringify(listed.body)).not.toContain(token.token);

    expect((await api.call("GET", "/api/v1/environments", { as: token })).body.items).toMatchObject([{ name: "checkout" }]);
    expect((await api.call("GET", "/api/v1/session", { as: token })).body).toEqual({ login: "alice", via: "token", csrfToken: null });
    // A token cannot make tokens, and needs no CSRF token (it is no ambient credential).
    expect((await api.call("POST", "/api/v1/tokens", { as: token, body: { name: "x", repositories: [REPO] } })).status).toBe(403);
    expect((await api.call("GET", "/api/v1/tokens", { as: token })).status).toBe(403);

    expect((await api.call("DELETE", `/api/v1/tokens/${created.body.id}`, { as: alice })).status).toBe(204);
    expect((await api.call("GET", "/api/v1/environments", { as: token })).status).toBe(401);
    expect((await api.call("DELETE", `/api/v1/tokens/${created.body.id}`, { as: alice })).status).toBe(404);
    const audit = await api.call("GET", "/api/v1/audit", { as: alice });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(["token.revoke", "token.create"]);
  });

  test("a token sees only its repositories, even where its creator sees more", async () => {
    await api.store.upsertEnvironment({ repository: "octo-org/other", name: "elsewhere", template: "sandbox", owner: "alice", status: "active" });
    const other = new FakeGitHub({ owner: "octo-org", repo: "other" });
    other.install();
    other.permissions.set("alice", "admin");
    const token = { token: await api.tokenFor("alice", [REPO]) };
    expect((await api.call("GET", "/api/v1/environments", { as: token })).body.items.map((e: { name: string }) => e.name)).toEqual(["checkout"]);
    expect((await api.call("GET", "/api/v1/environments/octo-org/other/elsewhere", { as: token })).status).toBe(404);
    expect((await api.call("GET", "/api/v1/environments", { as: { session: api.sessionFor("alice") } })).body.items.map((e: { name: string }) => e.name)).toEqual(["checkout", "elsewhere"]);
  });

  test("a session's change without its CSRF token is refused; bad bodies are a 400 naming the field", async () => {
    const alice = { session: api.sessionFor("alice") };
    // A repository the App is not installed on: nobody sees it through envbot.
    githubApi().get("/repos/octo-org/secret/installation").reply(404, { message: "Not Found" });
    const noCsrf = await api.call("POST", "/api/v1/tokens", { as: { ...alice, csrf: false }, body: { name: "x", repositories: [REPO] } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.detail).toContain("X-CSRF-Token");
    for (const [body, field] of [
      [{ repositories: [REPO] }, "body.name"],
      [{ name: "x", repositories: [] }, "body.repositories"],
      [{ name: "x", repositories: ["not a repo"] }, "body.repositories[0]"],
      [{ name: "x", repositories: ["octo-org/secret"] }, "body.repositories[0]"],
      [{ name: "x", repositories: [REPO], admin: true }, "body.admin"],
      ["{not json", "body"],
      [[1, 2], "body"],
    ] as const) {
      const answer = await api.call("POST", "/api/v1/tokens", { as: alice, body });
      expect([JSON.stringify(body), answer.status, answer.body.errors?.[0]?.field]).toEqual([JSON.stringify(body), 400, field]);
    }
    const wrongType = await api.call("POST", "/api/v1/tokens", { as: alice, body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(wrongType.status).toBe(415);
  });
});
