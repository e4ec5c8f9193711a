import { parse } from "yaml";
import { startOutboxRelay, type OutboxRelay } from "../../src/adapters/outbox/outbox-relay.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { SLACK_LIMITS, type SlackMessage } from "../../src/adapters/notify/slack/slack-message.js";
import { resolveConfig } from "../../src/core/config/repository-config.js";
import { domainEvent } from "../../src/core/events/domain-event.js";
import type { Store } from "../../src/core/ports/index.js";
import { notificationsFromSettings } from "../../src/composition/notifications.js";
import { readNotificationSettings } from "../../src/composition/notification-settings.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/notify/webhook-receiver.js";

const REPO = "acme/environments";
/** Payments hears about its own environments' failures and expiry; the platform team about every apply. */
const CONFIG = `
notifications:
  routes:
    - to: [payments-slack]
      owners: ["@acme/payments"]
      events: [failed, expiry-warned]
    - to: [platform-slack]
      events: [applied]
      labels: { tier: preview }
`;

let store: Store;
let payments: WebhookReceiver;
let platform: WebhookReceiver;
let relay: OutboxRelay | undefined;
beforeEach(async () => {
  store = openSqliteStore({ file: ":memory:" });
  [payments, platform] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
});
afterEach(async () => {
  relay?.stop();
  await Promise.all([payments.close(), platform.close()]);
  await store.close();
});

test("Slack incoming webhooks get one Block Kit message per routed event, by owner, label and kind, within Slack's limits", async () => {
  const settings = readNotificationSettings({
    ENVBOT_NOTIFY_PAYMENTS_SLACK_URL: `${payments.url}/services/T000/B000/XXXX`,
    ENVBOT_NOTIFY_PAYMENTS_SLACK_KIND: "slack",
    ENVBOT_NOTIFY_PLATFORM_SLACK_URL: `${platform.url}/services/T000/B001/YYYY`,
    ENVBOT_NOTIFY_PLATFORM_SLACK_KIND: "slack",
    ENVBOT_PUBLIC_URL: "https://envbot.acme.test",
  });
  const routes = resolveConfig(parse(CONFIG)).notifications.routes;
  const at = new Date();
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "sandbox", owner: "@acme/payments", status: "active", labels: { tier: "preview" } }, [
    domainEvent({ type: "applied", repository: REPO, environment: "checkout", actor: "octocat", runId: 3, changes: { add: 2, change: 0, destroy: 0 } }, at),
    domainEvent({ type: "apply-failed", repository: REPO, environment: "checkout", actor: "octocat", runId: 4, effect: "apply", reason: "Error: <!channel> quota exceeded" }, at),
  ]);
  await store.upsertEnvironment({ repository: REPO, name: "search", template: "sandbox", owner: "@acme/search", status: "active" }, [
    domainEvent({ type: "apply-failed", repository: REPO, environment: "search", actor: "octocat", runId: 5, effect: "apply", reason: "boom" }, at),
    domainEvent({ type: "applied", repository: REPO, environment: "search", actor: "octocat", runId: 6, changes: { add: 1, change: 0, destroy: 0 } }, at),
  ]);
  relay = startOutboxRelay({ outbox: store, ...notificationsFromSettings({ settings, store, routesOf: async () => routes }), onError: () => undefined, intervalMs: 10, retryBaseMs: 20 });
  await Promise.all([payments.waitFor(1), platform.waitFor(1)]);
  await relay.drain();

  expect(payments.requests).toHaveLength(1); // search's failure is not payments'
  expect(platform.requests).toHaveLength(1); // search has no tier: preview label
  const failure = JSON.parse(payments.requests[0]!.body) as SlackMessage;
  const applied = JSON.parse(platform.requests[0]!.body) as SlackMessage;
  expect(payments.requests[0]!.headers["content-type"]).toBe("application/json; charset=utf-8");
  for (const message of [failure, applied]) {
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
  }
  const failureText = JSON.stringify(failure);
  expect(failure.text).toContain("checkout");
  expect(failureText).toContain("@acme/payments");
  expect(failureText).toContain("&lt;!channel&gt; quota exceeded");
  expect(failureText).not.toContain("<!channel>");
  expect(failureText).toContain("https://envbot.acme.test/environments/acme/environments/checkout");
  expect(failureText).toContain("https://envbot.acme.test/runs/4");
  expect(JSON.stringify(applied)).toContain("applied");
});

test("a Slack webhook that is gone (404 no_service) is parked at once with Slack's answer, not retried for hours", async () => {
  payments.answerWith(() => 404);
  const settings = readNotificationSettings({ ENVBOT_NOTIFY_PAYMENTS_SLACK_URL: `${payments.url}/services/gone`, ENVBOT_NOTIFY_PAYMENTS_SLACK_KIND: "slack" });
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "sandbox", owner: "@acme/payments", status: "active" }, [
    domainEvent({ type: "expiry-warned", repository: REPO, environment: "checkout", actor: "reconciler", expiresAt: new Date(Date.now() + 3600_000).toISOString() }, new Date()),
  ]);
  relay = startOutboxRelay({ outbox: store, ...notificationsFromSettings({ settings, store, routesOf: async () => resolveConfig(parse(CONFIG)).notifications.routes }), onError: () => undefined, intervalMs: 10_000 });
  await relay.drain();
  expect(payments.requests).toHaveLength(1);
  expect(await store.listParkedDeliveries({ limit: 10 })).toMatchObject([{ target: "payments-slack", attempts: 1, lastError: "HTTP 404: unavailable" }]);
});

describe("a Slack app (bot token, chat.postMessage)", () => {
  const TOKEN = "xoxb-0000000000-test-token-not-real";
  const botSettings = () =>
    readNotificationSettings({
      ENVBOT_NOTIFY_TEAM_SLACK_URL: `${payments.url}/api/chat.postMessage`,
      ENVBOT_NOTIFY_TEAM_SLACK_KIND: "slack",
      ENVBOT_NOTIFY_TEAM_SLACK_TOKEN: TOKEN,
      ENVBOT_NOTIFY_TEAM_SLACK_CHANNEL: "C0123456789",
    });
  const everything = async () => resolveConfig(parse("notifications:\n  routes:\n    - to: [team-slack]\n")).notifications.routes;
  const posted = () => payments.requests.map((r) => JSON.parse(r.body) as SlackMessage & { channel: string; thread_ts?: string; reply_broadcast?: boolean });
  /** Slack's answer: the message's ts, "1764669600.00000N" for the N-th request. */
  const slackAnswers = () => payments.answerWith(({ index }) => ({ status: 200, json: { ok: true, channel: "C0123456789", ts: `1764669600.00000${index}` } }));

  test("each environment's events form one thread: the first message starts it, the rest reply (failures also in the channel), a destroy closes it", async () => {
    slackAnswers();
    const at = new Date();
    const event = (environment: string, body: object) => domainEvent({ repository: REPO, environment, actor: "octocat", ...body } as Parameters<typeof domainEvent>[0], at);
    await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "sandbox", owner: "@acme/payments", status: "active" }, [
      event("checkout", { type: "applied", runId: 1, changes: { add: 1, change: 0, destroy: 0 } }),
      event("checkout", { type: "drift-found", actor: "reconciler", fingerprint: "f", drifted: 1, pendingInGit: 0 }),
      event("checkout", { type: "destroyed", runId: 2, changes: { add: 0, change: 0, destroy: 1 } }),
      event("checkout", { type: "applied", runId: 3, changes: { add: 1, change: 0, destroy: 0 } }),
    ]);
    relay = startOutboxRelay({ outbox: store, ...notificationsFromSettings({ settings: botSettings(), store, routesOf: everything }), onError: () => undefined, intervalMs: 10, retryBaseMs: 20 });
    await payments.waitFor(4);
    await relay.drain();

    for (const request of payments.requests) {
      expect(request.path).toBe("/api/chat.postMessage");
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.headers["content-type"]).toBe("application/json; charset=utf-8");
    }
    expect(posted().map((m) => [m.channel, m.text.split("\n")[0], m.thread_ts, m.reply_broadcast])).toEqual([
      ["C0123456789", ":white_check_mark: checkout applied in acme/environments", undefined, undefined],
      ["C0123456789", ":warning: checkout drifted in acme/environments", "1764669600.000000", true],
      ["C0123456789", ":wastebasket: checkout destroyed in acme/environments", "1764669600.000000", false],
      // Its next life starts a new thread.
      ["C0123456789", ":white_check_mark: checkout applied in acme/environments", undefined, undefined],
    ]);
    expect(await store.notificationThread("team-slack", REPO, "checkout")).toBe("1764669600.000003");
  });

  test("Slack's refusals: a rate limit is retried, a revoked token is parked at once with Slack's reason and never the token", async () => {
    payments.answerWith(({ index }) => (index === 0 ? { status: 200, json: { ok: false, error: "ratelimited" } } : { status: 200, json: { ok: true, ts: "1764669600.000100" } }));
    await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "sandbox", owner: "@acme/payments", status: "active" }, [
      domainEvent({ type: "applied", repository: REPO, environment: "checkout", actor: "octocat", runId: 1, changes: { add: 1, change: 0, destroy: 0 } }, new Date()),
    ]);
    relay = startOutboxRelay({ outbox: store, ...notificationsFromSettings({ settings: botSettings(), store, routesOf: everything }), onError: () => undefined, intervalMs: 10, retryBaseMs: 20 });
    await payments.waitFor(2);
    await relay.drain();
    expect(await store.deliveryStatus()).toMatchObject([{ target: "team-slack", delivered: 1, waiting: 0, parked: 0 }]);
    relay.stop();

    payments.answerWith(() => ({ status: 200, json: { ok: false, error: "token_revoked" } }));
    await store.appendEvents([domainEvent({ type: "drift-resolved", repository: REPO, environment: "checkout", actor: "reconciler" }, new Date())]);
    relay = startOutboxRelay({ outbox: store, ...notificationsFromSettings({ settings: botSettings(), store, routesOf: everything }), onError: () => undefined, intervalMs: 10, retryBaseMs: 20 });
    await payments.waitFor(3);
    await relay.drain();
    const [parked] = await store.listParkedDeliveries({ limit: 10 });
    expect(parked).toMatchObject({ target: "team-slack", attempts: 1, lastError: "Slack refused chat.postMessage: token_revoked" });
    expect(JSON.stringify(await store.listParkedDeliveries({ limit: 10 }))).not.toContain(TOKEN);
    expect(payments.requests).toHaveLength(3);
  });

  test("a thread whose first message is gone is started anew, and the event still arrives", async () => {
    await store.setNotificationThread("team-slack", REPO, "checkout", "1700000000.000001");
    payments.answerWith(({ index }) => (index === 0 ? { status: 200, json: { ok: false, error: "thread_not_found" } } : { status: 200, json: { ok: true, ts: "1764669600.000200" } }));
    await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "sandbox", owner: "@acme/payments", status: "active" }, [
      domainEvent({ type: "apply-failed", repository: REPO, environment: "checkout", actor: "octocat", runId: 1, effect: "apply", reason: "boom" }, new Date()),
    ]);
    relay = startOutboxRelay({ outbox: store, ...notificationsFromSettings({ settings: botSettings(), store, routesOf: everything }), onError: () => undefined, intervalMs: 10, retryBaseMs: 20 });
    await payments.waitFor(2);
    await relay.drain();
    expect(posted().map((m) => m.thread_ts)).toEqual(["1700000000.000001", undefined]);
    expect(await store.notificationThread("team-slack", REPO, "checkout")).toBe("1764669600.000200");
    expect(await store.deliveryStatus()).toMatchObject([{ target: "team-slack", delivered: 1, waiting: 0, parked: 0 }]);
  });
});
