import { domainEvent } from "../../src/core/events/domain-event.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// Parked deliveries as the API shows them and retries them, each answer checked against /api/v1/openapi.json.

const REPO = "octo-org/environments";
const PRIVATE = "octo-org/payments-envs";
const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;
let payments: FakeGitHub;

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  payments = new FakeGitHub({ owner: "octo-org", repo: "payments-envs" });
  github.install();
  payments.install();
  github.permissions.set("alice", "write");
  github.permissions.set("rita", "read");
  payments.permissions.set("paula", "admin");
  api = await startControlPlaneServer();
  // One event of each repository, parked for team-slack after failing; one delivered to audit-hook.
  const at = new Date();
  await api.store.appendEvents([
    domainEvent({ type: "expired", repository: REPO, environment: "checkout", actor: "reconciler", expiresAt: at.toISOString() }, at),
    domainEvent({ type: "expired", repository: PRIVATE, environment: "ledger", actor: "reconciler", expiresAt: at.toISOString() }, at),
  ]);
  for (const entry of await api.store.pendingEvents(10)) {
    await api.store.routeEvent(entry.seq, [{ target: "team-slack" }, { target: "audit-hook" }], at);
    await api.store.markDeliveryFailed(entry.seq, "team-slack", "HTTP 410: channel_is_archived", "park");
    await api.store.markDeliveryDone(entry.seq, "audit-hook", at);
  }
});

afterEach(async () => {
  await api.close();
  github.uninstall();
  payments.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

test("each target is shown by name with only what concerns the repositories the caller can read: counts, last error, parked deliveries", async () => {
  // The private repository's delivery failed last, with words of its own.
  const [, ledger] = await api.store.listParkedDeliveries({ limit: 10 }).then((parked) => parked.reverse());
  await api.store.markDeliveryFailed(ledger!.seq, "team-slack", "HTTP 404: channel payments-incidents not found", "park");

  const answer = await api.call("GET", "/api/v1/notifications", { as: { session: api.sessionFor("rita") } });
  expect(answer.status).toBe(200);
  expect(answer.body.targets).toEqual([
    { target: "audit-hook", waiting: 0, parked: 0, delivered: 1, lastDeliveredAt: expect.any(String), lastError: null },
    { target: "team-slack", waiting: 0, parked: 1, delivered: 0, lastDeliveredAt: null, lastError: "HTTP 410: channel_is_archived" },
  ]);
  expect(answer.body.parked).toEqual([
    expect.objectContaining({ target: "team-slack", type: "expired", repository: REPO, environment: "checkout", attempts: 1, lastError: "HTTP 410: channel_is_archived" }),
  ]);

  // paula reads only the private repository: its counts and its error.
  const paula = await api.call("GET", "/api/v1/notifications", { as: { session: api.sessionFor("paula") } });
  expect(paula.body.targets.find((t: { target: string }) => t.target === "team-slack")).toMatchObject({ parked: 1, lastError: "HTTP 404: channel payments-incidents not found" });
  expect(paula.body.parked.map((d: { repository: string }) => d.repository)).toEqual([PRIVATE]);

  // Someone who can read neither learns nothing, not even which targets there are.
  expect((await api.call("GET", "/api/v1/notifications", { as: { session: api.sessionFor("mallory") } })).body).toEqual({ targets: [], parked: [] });
  expect((await api.call("GET", "/api/v1/notifications")).status).toBe(401);
});

test("a retry puts back the parked deliveries of the repositories the caller may write to, and is audited", async () => {
  const byReader = await api.call("POST", "/api/v1/notifications/retry", { as: { session: api.sessionFor("rita") }, body: {} });
  expect(byReader.body).toEqual({ retried: 0, repositories: [] });

  const answer = await api.call("POST", "/api/v1/notifications/retry", { as: { session: api.sessionFor("alice") }, body: { target: "team-slack" } });
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ retried: 1, repositories: [REPO] });
  const parked = await api.store.listParkedDeliveries({ limit: 10 });
  expect(parked.map((d) => d.event.repository)).toEqual([PRIVATE]); // paula's repository is not alice's to retry
  expect((await api.store.dueDeliveries(new Date(), 10)).map((d) => [d.target, d.event.environment])).toEqual([["team-slack", "checkout"]]);
  expect(await api.store.listAudit({ repositories: [REPO], limit: 1 })).toMatchObject([{ actor: "alice", action: "notifications.retry", outcome: "accepted", detail: "team-slack" }]);

  // A token of alice's for one repository retries only there, even where alice may write too.
  payments.permissions.set("alice", "write");
  const token = await api.tokenFor("alice", [REPO]);
  expect((await api.call("POST", "/api/v1/notifications/retry", { as: { token }, body: {} })).body).toEqual({ retried: 0, repositories: [] });
  expect((await api.store.listParkedDeliveries({ limit: 10 })).map((d) => d.event.repository)).toEqual([PRIVATE]);

  const bad = await api.call("POST", "/api/v1/notifications/retry", { as: { session: api.sessionFor("alice") }, body: { target: "Team Slack!" } });
  expect(bad.status).toBe(400);
});
