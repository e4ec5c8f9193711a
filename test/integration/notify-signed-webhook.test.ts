import { parse } from "yaml";
import { startOutboxRelay, type OutboxRelay } from "../../src/adapters/outbox/outbox-relay.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { verifyWebhookSignature, SIGNATURE_HEADER } from "../../src/adapters/notify/webhook/webhook-signature.js";
import type { CloudEvent } from "../../src/adapters/notify/webhook/cloud-event.js";
import { resolveConfig } from "../../src/core/config/repository-config.js";
import { domainEvent, type DomainEvent } from "../../src/core/events/domain-event.js";
import type { Store } from "../../src/core/ports/index.js";
import { notificationsFromSettings } from "../../src/composition/notifications.js";
import { readNotificationSettings } from "../../src/composition/notification-settings.js";
import { expectDocumentedEvent } from "../helpers/notify/documented-event.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/notify/webhook-receiver.js";

const REPO = "acme/environments";
const SECRET = "whsec-4f7c1e9a2b8d6e3f";
/** .github/envbot.yml as a repository writes it: the target is named here, its address is the server's. */
const CONFIG = `
notifications:
  routes:
    - to: [audit-hook]
    - to: [audit-hook]          # named twice: still one delivery
      events: [failed]
`;

let store: Store;
let receiver: WebhookReceiver;
let relay: OutboxRelay | undefined;
beforeEach(async () => {
  store = openSqliteStore({ file: ":memory:" });
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  relay?.stop();
  await receiver.close();
  await store.close();
});

function startRelay(): OutboxRelay {
  const settings = readNotificationSettings({ ENVBOT_NOTIFY_AUDIT_HOOK_URL: `${receiver.url}/hooks/envbot`, ENVBOT_NOTIFY_AUDIT_HOOK_SECRET: SECRET });
  const routes = resolveConfig(parse(CONFIG)).notifications.routes;
  const notifications = notificationsFromSettings({ settings, store, routesOf: async () => routes });
  return startOutboxRelay({ outbox: store, ...notifications, onError: () => undefined, intervalMs: 10, retryBaseMs: 20 });
}

/** Three environments' lives, interleaved, each event written with its state change. */
async function writeEvents(): Promise<DomainEvent[]> {
  const written: DomainEvent[] = [];
  const at = new Date();
  for (const step of ["planned", "applied", "drift-found", "destroyed"] as const) {
    for (const name of ["checkout", "payments", "search"]) {
      const event =
        step === "drift-found"
          ? domainEvent({ type: step, repository: REPO, environment: name, actor: "reconciler", fingerprint: "f", drifted: 1, pendingInGit: 0 }, at)
          : domainEvent({ type: step, repository: REPO, environment: name, actor: "octocat", runId: written.length + 1, changes: { add: 1, change: 0, destroy: 0 } }, at);
      await store.upsertEnvironment({ repository: REPO, name, template: "sandbox", owner: "@acme/payments", status: "active" }, [event]);
      written.push(event);
    }
  }
  return written;
}

/** The receiver's side, as docs/notifications.md tells it: check the signature on the raw body, then drop ids seen before. */
function processAsDocumented(now: Date) {
  const seen = new Set<string>();
  const processed: CloudEvent[] = [];
  for (const request of receiver.requests.filter((r) => r.answer === 200)) {
    const check = verifyWebhookSignature({ body: request.body, header: request.headers[SIGNATURE_HEADER] as string, secret: SECRET, now });
    expect(check).toMatchObject({ valid: true });
    const event = expectDocumentedEvent(request.body) as CloudEvent;
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    processed.push(event);
  }
  return processed;
}

test("a receiver that fails the first attempts gets every event once (by id), in order per environment, each signed; retries carry the same id", async () => {
  // Each event's first two attempts fail (503, then 429), the third is taken.
  const tries = new Map<string, number>();
  receiver.answerWith(({ body }) => {
    const id = (JSON.parse(body) as CloudEvent).id;
    const attempt = (tries.get(id) ?? 0) + 1;
    tries.set(id, attempt);
    return attempt === 1 ? 503 : attempt === 2 ? 429 : 200;
  });
  const written = await writeEvents();
  relay = startRelay();
  await receiver.waitFor(written.length * 3, 60_000);
  await relay.drain();

  expect(receiver.requests).toHaveLength(written.length * 3);
  expect(receiver.requests.every((r) => r.path === "/hooks/envbot" && r.headers["content-type"] === "application/cloudevents+json; charset=utf-8")).toBe(true);
  const processed = processAsDocumented(new Date());
  // Exactly once each: the 200s alone hold every id once (nothing taken was sent again).
  expect(receiver.requests.filter((r) => r.answer === 200)).toHaveLength(written.length);
  expect(processed.map((e) => e.id).sort()).toEqual(written.map((e) => e.id).sort());
  // In order per environment, as written.
  for (const name of ["checkout", "payments", "search"]) {
    expect(processed.filter((e) => e.subject === name).map((e) => e.type)).toEqual(["dev.envbot.planned", "dev.envbot.applied", "dev.envbot.drift-found", "dev.envbot.destroyed"]);
  }
  // The body is the CloudEvent of the event as written, and each attempt was signed anew.
  const first = processed.find((e) => e.id === written[0]!.id)!;
  expect(first).toMatchObject({ specversion: "1.0", source: `envbot:${REPO}`, subject: "checkout", data: written[0] });
  const attemptsOfFirst = receiver.requests.filter((r) => r.body.includes(written[0]!.id));
  expect(attemptsOfFirst).toHaveLength(3);
  expect(new Set(attemptsOfFirst.map((r) => r.body)).size).toBe(1);
  expect(await store.deliveryStatus()).toMatchObject([{ target: "audit-hook", delivered: written.length, waiting: 0, parked: 0 }]);
});

test("a tampered, replayed or foreign-signed request fails the documented check", async () => {
  await writeEvents();
  relay = startRelay();
  await receiver.waitFor(12);
  const captured = receiver.requests[0]!;
  const header = captured.headers[SIGNATURE_HEADER] as string;
  const now = new Date();

  expect(verifyWebhookSignature({ body: captured.body, header, secret: SECRET, now })).toMatchObject({ valid: true });
  const tampered = captured.body.replace('"type":"planned"', '"type":"destroyed"');
  expect(tampered).not.toBe(captured.body);
  expect(verifyWebhookSignature({ body: tampered, header, secret: SECRET, now })).toEqual({ valid: false, reason: "mismatch" });
  expect(verifyWebhookSignature({ body: captured.body, header, secret: "another-receivers-secret", now })).toEqual({ valid: false, reason: "mismatch" });
  const sixMinutesLater = new Date(now.getTime() + 6 * 60_000);
  expect(verifyWebhookSignature({ body: captured.body, header, secret: SECRET, now: sixMinutesLater })).toEqual({ valid: false, reason: "too-old" });
  // Moving the signed time forward breaks the signature.
  const [, signature] = header.split(",");
  expect(verifyWebhookSignature({ body: captured.body, header: `t=${Math.floor(sixMinutesLater.getTime() / 1000)},${signature}`, secret: SECRET, now: sixMinutesLater })).toEqual({
    valid: false,
    reason: "mismatch",
  });
  // Replayed within the window: the id was processed already, so it is dropped.
  receiver.requests.push(captured);
  expect(processAsDocumented(now)).toHaveLength(12);
});
