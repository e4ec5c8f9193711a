import { jest } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "../../src/adapters/notify/webhook/webhook-signature.js";
import type { CloudEvent } from "../../src/adapters/notify/webhook/cloud-event.js";
import { expectDocumentedEvent } from "../helpers/notify/documented-event.js";
import { COMMENT_MARKER } from "../../src/render/pull-request-comment.js";
import { sha, starterRepository } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually, startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/notify/webhook-receiver.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";

// The App as its own process (node dist/composition/main-embedded.js), killed (SIGKILL) at the two moments that
// could lose or double an event: after the state change was committed but before the event was
// routed, and after the receiver took the delivery but before the App marked it done.
jest.setTimeout(240_000);

const SECRET = "whsec-crash-test-0123456789";
const mock = setupGitHubMock();
let root: string;
let github: FakeGitHub;
let githubHttp: GitHubOverHttp;
let receiver: WebhookReceiver;
let env: NodeJS.ProcessEnv;
const running: AppProcess[] = [];

beforeEach(async () => {
  mock.before();
  root = await mkdtemp(path.join(tmpdir(), "envbot-notify-crash-"));
  github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
  github.install();
  github.permissions.set("octocat", "write");
  githubApi().get("/app/installations").query(true).reply(200, []).persist();
  githubHttp = await serveGitHubOverHttp();
  receiver = await startWebhookReceiver();
  env = {
    ENVBOT_DATA_DIR: path.join(root, "data"),
    TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR }),
    GHE_HOST: githubHttp.host,
    ENVBOT_LEASE_TTL: "2s",
    ENVBOT_NOTIFY_AUDIT_HOOK_URL: `${receiver.url}/envbot`,
    ENVBOT_NOTIFY_AUDIT_HOOK_SECRET: SECRET,
  };
});
afterEach(async () => {
  for (const app of running.splice(0)) await app.killAll();
  await receiver.close();
  await githubHttp.close();
  github.uninstall();
  await rm(root, { recursive: true, force: true });
  mock.after();
});

async function start(): Promise<AppProcess> {
  const app = await startAppProcess(env);
  running.push(app);
  return app;
}

async function killed(app: AppProcess): Promise<void> {
  running.splice(running.indexOf(app), 1);
  await app.killAll();
}

test("killed after the state change and again after the receiver took the delivery: every event arrives, none is processed twice", async () => {
  const main = { ...(await starterRepository()), ".github/envbot.yml": "notifications:\n  routes:\n    - to: [audit-hook]\n" };
  github.commit(sha("main0"), main);
  github.commit("main", main);
  github.commit(sha("head1"), { ...main, "environments/preview.yaml": definitionYaml("preview", "sandbox", "  ttl: 24h\n") });
  github.pullRequests.set(1, { number: 1, headSha: sha("head1"), baseSha: sha("main0"), author: "octocat", files: [{ filename: "environments/preview.yaml", status: "added" }] });

  // 1. The plan's run and its event are committed; the relay, asking where the event goes, is held there and the App killed.
  const routing = githubHttp.hold(new RegExp(`^GET /repos/${github.fullName}/installation`));
  const first = await start();
  const answer = await deliverWebhook({ url: first.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...pullRequestEvent({ action: "opened", number: 1, headSha: sha("head1"), baseSha: sha("main0") }) });
  expect(answer.status).toBe(200);
  await eventually("the plan comment", () => github.botComments(1).some((c) => c.body.includes(COMMENT_MARKER)));
  await routing.arrived;
  await killed(first);
  routing.release();
  expect(receiver.requests).toEqual([]);

  // 2. The next App routes and sends it; the receiver takes it and never answers; the App is killed.
  receiver.answerWith(() => "hang");
  const second = await start();
  await receiver.waitFor(1);
  await killed(second);

  // 3. The third App sends it again, the receiver answers, and it is marked done.
  receiver.answerWith(() => 200);
  const third = await start();
  await receiver.waitFor(2);
  const store = openSqliteStore({ file: path.join(env.ENVBOT_DATA_DIR!, "envbot.db") });
  try {
    // Done means quiet: a kill may land before the first App forgot its job, and then a later
    // App plans again (at least once), writing one more event; wait for that one too.
    await eventually("every job done and every event delivered", async () => {
      const [jobs, pending, status] = await Promise.all([store.listJobs(), store.pendingEvents(10), store.deliveryStatus()]);
      return jobs.length === 0 && pending.length === 0 && status.some((s) => s.target === "audit-hook" && s.delivered >= 1 && s.waiting === 0);
    });
    running.splice(running.indexOf(third), 1);
    await third.stop();

    // Every event written is at the receiver; each was taken (200) once; the hung attempt carried the same id.
    const written = await store.deliveryStatus();
    expect(written).toMatchObject([{ target: "audit-hook", waiting: 0, parked: 0 }]);
    const taken = receiver.requests.filter((r) => r.answer === 200);
    const ids = (requests: typeof receiver.requests) => requests.map((r) => (JSON.parse(r.body) as CloudEvent).id);
    expect(new Set(ids(taken)).size).toBe(taken.length);
    expect(taken).toHaveLength(written[0]!.delivered);
    expect(ids(receiver.requests.filter((r) => r.answer === "hung"))).toEqual([ids(receiver.requests)[0]]);
    expect((JSON.parse(receiver.requests[0]!.body) as CloudEvent).type).toBe("dev.envbot.planned");
    for (const request of receiver.requests) {
      expectDocumentedEvent(request.body);
      expect(verifyWebhookSignature({ body: request.body, header: request.headers[SIGNATURE_HEADER] as string, secret: SECRET, now: new Date() })).toMatchObject({ valid: true });
    }
    expect(await store.pendingEvents(10)).toEqual([]);
  } finally {
    await store.close();
  }
});
