import { ACCESS_CACHE_MS } from "../../src/adapters/github/github-app-access.js";
import { eventually } from "../helpers/envbot-app-process.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";

// A live log stream (Server-Sent Events) lasts only as long as the access that opened it, over real HTTP.

const REPO = "octo-org/environments";
const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;
/** The server's clock: moved on by a test to let the answers from GitHub it keeps briefly go stale. */
let clock: number;

async function start(options: { streamReauthorizeMs?: number } = {}): Promise<void> {
  api = await startControlPlaneServer({ now: () => new Date(clock), ...options });
  await api.store.upsertEnvironment({ repository: REPO, name: "checkout", template: "sandbox", owner: "alice", status: "active" });
}

beforeEach(() => {
  mock.before();
  clock = Date.now();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  github.install();
  github.permissions.set("alice", "write");
});

afterEach(async () => {
  await api.close();
  github.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

/** Opens a running run's log stream as `headers` say; `until` reads until a text arrives, `ended` until the server closes it. */
async function openStream(headers: Record<string, string>) {
  const run = await api.store.startRun({ repository: REPO, environment: "checkout", kind: "plan", actor: "alice" });
  await api.store.appendRunLog(run.id, ["Initializing the backend..."]);
  const response = await fetch(`${api.origin}/api/v1/runs/${run.id}/log/stream`, { headers });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let received = "";
  const until = async (text: string) => {
    while (!received.includes(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before '${text}': ${received}`);
      received += new TextDecoder().decode(value);
    }
  };
  const ended = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return received;
      received += new TextDecoder().decode(value);
    }
  };
  await until("Initializing the backend...");
  return { run, until, ended };
}

/** How often GitHub was asked alice's permission on REPO. */
/** How often envbot asked GitHub who may read the repository (its collaborator list, shared by every login). */
const permissionQuestions = () => recordedGitHubRequests().filter((r) => r.path.split("?")[0] === `/repos/${REPO}/collaborators`).length;

test("revoking an API token ends the log stream it opened at once, long before the next periodic check", async () => {
  await start(); // the periodic check every 30 s: only the revocation can end it within this test
  const token = await api.tokenFor("alice", [REPO]);
  const stream = await openStream({ authorization: `Bearer ${token}` });
  const alice = { session: await api.signIn("alice") };
  const [record] = (await api.call("GET", "/api/v1/tokens", { as: alice })).body.items;
  expect((await api.call("DELETE", `/api/v1/tokens/${record.id}`, { as: alice })).status).toBe(204);
  const received = await stream.ended();
  expect(received).toContain('event: revoked\ndata: {"detail":"this API token is not known (or was revoked)"}');
  expect(received).not.toContain("event: end");
});

test("signing out ends the session's open log stream at once", async () => {
  await start();
  const alice = await api.signIn("alice");
  const stream = await openStream({ cookie: `envbot_session=${alice.cookie}` });
  expect((await fetch(`${api.origin}/auth/logout`, { method: "POST", headers: { cookie: `envbot_session=${alice.cookie}`, "x-csrf-token": alice.csrf } })).status).toBe(204);
  expect(await stream.ended()).toContain('event: revoked\ndata: {"detail":"the session has ended: sign in with GitHub again"}');
});

test("a person who loses read access to the repository has their stream ended at the next re-check; while they keep it, it goes on", async () => {
  await start({ streamReauthorizeMs: 20 });
  const alice = await api.signIn("alice");
  const stream = await openStream({ cookie: `envbot_session=${alice.cookie}` });
  expect(permissionQuestions()).toBe(1);

  // GitHub's answer goes stale: the next re-check asks again, and alice may still read.
  clock += ACCESS_CACHE_MS + 1;
  await eventually("a re-check asking GitHub again", () => permissionQuestions() === 2, 10_000);
  await api.store.appendRunLog(stream.run.id, ["Plan: 1 to add, 0 to change, 0 to destroy."]);
  await stream.until("Plan: 1 to add");

  github.permissions.set("alice", "none");
  clock += ACCESS_CACHE_MS + 1;
  const received = await stream.ended();
  expect(received).toContain(`event: revoked\ndata: {"detail":"there is no environment checkout in ${REPO} that you can see"}`);
});
