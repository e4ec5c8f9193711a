import { parse } from "yaml";
import { startOutboxRelay, type OutboxRelay } from "../../src/adapters/outbox/outbox-relay.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { SLACK_LIMITS, type SlackMessage } from "../../src/adapters/notify/slack/slack-message.js";
import { resolveConfig } from "../../src/core/config/repository-config.js";
import { domainEvent } from "../../src/core/events/domain-event.js";
import type { Store } from "../../src/core/ports.js";
import { notificationsFromSettings } from "../../src/notifications.js";
import { readNotificationSettings } from "../../src/notification-settings.js";
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
