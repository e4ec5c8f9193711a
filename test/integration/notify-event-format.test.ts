import { randomUUID } from "node:crypto";
import { connect, type Channel, type ChannelModel, type GetMessage } from "amqplib";
import { startOutboxRelay, type OutboxRelay } from "../../src/adapters/outbox/outbox-relay.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { domainEvent, type BusRequest, type DomainEvent, type DomainEventType } from "../../src/core/events/domain-event.js";
import type { Store } from "../../src/core/ports/index.js";
import { notificationsFromSettings } from "../../src/composition/notifications.js";
import { readNotificationSettings } from "../../src/composition/notification-settings.js";
import { eventually } from "../helpers/eventually.js";
import { expectDocumentedEvent } from "../helpers/notify/documented-event.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/notify/webhook-receiver.js";
import { startRabbitMq, type RabbitMqServer } from "../helpers/rabbitmq-server.js";

// Every event type, wired as the server wires its targets from its settings: a signed webhook
// (a real HTTP receiver) and an AMQP topic exchange (a real RabbitMQ, read by a subscriber),
// plus the replies to bus commands. What each subscriber gets must be the documented format
// (schemas/event.schema.json, docs/notifications.md), and the reply queue and correlation id of
// the command a run answers go to that command's client alone.

const REPO = "acme/environments";
const REPLY_PREFIX = "ci.envbot-replies.";
const at = new Date("2026-12-01T10:00:00Z");
const changes = { add: 1, change: 2, destroy: 0 };

let broker: RabbitMqServer;
let client: ChannelModel;
let channel: Channel;
let store: Store;
let receiver: WebhookReceiver;
let relay: OutboxRelay | undefined;

beforeAll(async () => {
  broker = await startRabbitMq();
  client = await connect(broker.url);
  channel = await client.createChannel();
}, 90_000);
afterAll(async () => {
  await client?.close().catch(() => undefined);
  await broker?.stop();
}, 30_000);
beforeEach(async () => {
  store = openSqliteStore({ file: ":memory:" });
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  relay?.stop();
  await receiver.close();
  await store.close();
});

/** One event of each type, written to the outbox as the core writes them; the run endings answer a bus command. */
function oneOfEachType(request: (command: BusRequest["command"]) => BusRequest): DomainEvent[] {
  const base = { repository: REPO, environment: "checkout", actor: "amqp:release-bot", commit: "a".repeat(40) };
  // A Record over every type: a new event type does not compile until it is here, documented and checked.
  const bodies: Record<DomainEventType, Parameters<typeof domainEvent>[0]> = {
    planned: { type: "planned", ...base, runId: 1, changes, request: request("plan") },
    "plan-failed": { type: "plan-failed", ...base, runId: 2, reason: "syntax error", request: request("plan") },
    applied: { type: "applied", ...base, runId: 3, changes, request: request("apply") },
    destroyed: { type: "destroyed", ...base, runId: 4, changes: { add: 0, change: 0, destroy: 3 }, request: request("destroy") },
    "apply-failed": { type: "apply-failed", ...base, runId: 5, effect: "apply", reason: "quota", request: request("apply") },
    "run-interrupted": { type: "run-interrupted", ...base, runId: 6, kind: "apply", reason: "the process stopped", request: request("apply") },
    "expiry-warned": { type: "expiry-warned", ...base, actor: "reconciler", expiresAt: "2026-12-02T10:00:00.000Z" },
    "drift-found": { type: "drift-found", ...base, actor: "reconciler", fingerprint: "f1", drifted: 2, pendingInGit: 0 },
    expired: { type: "expired", ...base, actor: "reconciler", expiresAt: "2026-12-01T09:00:00.000Z" },
    "drift-resolved": { type: "drift-resolved", ...base, actor: "reconciler" },
    hibernated: { type: "hibernated", ...base, actor: "reconciler", runId: 7, changes: { add: 0, change: 0, destroy: 3 }, form: "destroyed", until: "2026-12-03T07:00:00.000Z" },
    woke: { type: "woke", ...base, actor: "reconciler", runId: 8, changes, until: "2026-12-03T18:00:00.000Z" },
    "orphans-found": { type: "orphans-found", ...base, actor: "reconciler", region: "eu-west-1", count: 1, arns: ["arn:aws:s3:::left-behind"] },
    "orphans-resolved": { type: "orphans-resolved", ...base, actor: "reconciler" },
    "policy-blocked": { type: "policy-blocked", ...base, actor: "octocat", stage: "pull-request", reasons: ["needs an approval from @acme/platform"] },
  };
  return Object.values(bodies).map((body) => domainEvent(body, at));
}

async function nextMessages(queue: string, count: number): Promise<GetMessage[]> {
  const messages: GetMessage[] = [];
  await eventually(`${count} messages on ${queue}`, async () => {
    for (let message = await channel.get(queue, { noAck: true }); message !== false && messages.length < count; message = await channel.get(queue, { noAck: true })) messages.push(message);
    return messages.length >= count;
  });
  return messages;
}

test("every event type reaches a webhook target and an AMQP subscriber in its documented format, without the reply queue or correlation id of the command it answers", async () => {
  const replyQueue = (await channel.assertQueue(`${REPLY_PREFIX}${randomUUID()}`, { exclusive: true })).queue;
  await channel.assertExchange("envbot.events", "topic", { durable: true });
  const subscriber = (await channel.assertQueue("", { exclusive: true })).queue;
  await channel.bindQueue(subscriber, "envbot.events", "envbot.#");

  const settings = readNotificationSettings({
    ENVBOT_NOTIFY_AUDIT_HOOK_URL: `${receiver.url}/hooks/envbot`,
    ENVBOT_NOTIFY_AUDIT_HOOK_SECRET: "whsec-4f7c1e9a2b8d6e3f",
    ENVBOT_NOTIFY_PLATFORM_BUS_URL: broker.url,
    ENVBOT_AMQP_URL: broker.url,
    ENVBOT_AMQP_REPLY_PREFIX: REPLY_PREFIX,
  });
  const notifications = notificationsFromSettings({ settings, store, routesOf: async () => [{ to: ["audit-hook", "platform-bus"] }] });
  const correlationIds: string[] = [];
  const events = oneOfEachType((command) => {
    correlationIds.push(`cmd-${randomUUID()}`);
    return { id: correlationIds.at(-1)!, replyTo: replyQueue, command };
  });
  await store.appendEvents(events);
  relay = startOutboxRelay({ outbox: store, ...notifications, onError: () => undefined, intervalMs: 10, retryBaseMs: 20 });

  await receiver.waitFor(events.length);
  const published = await nextMessages(subscriber, events.length);
  // The runs the commands asked for are answered (a plan by its end, an apply or destroy by its end or failure).
  const replies = await nextMessages(replyQueue, 6);

  const outgoing = [
    ...receiver.requests.map((request) => ({ to: "webhook", text: request.body })),
    ...published.map((message) => ({ to: "amqp subscriber", text: message.content.toString("utf8") })),
  ];
  for (const { to, text } of outgoing) {
    expect({ to, leaks: [replyQueue, ...correlationIds].filter((secret) => text.includes(secret)) }).toEqual({ to, leaks: [] });
    expectDocumentedEvent(text);
  }
  const types = (texts: string[]) => texts.map((text) => JSON.parse(text).data.type as string).sort();
  expect(types(receiver.requests.map((request) => request.body))).toEqual(events.map((event) => event.type).sort());
  expect(types(published.map((message) => message.content.toString("utf8")))).toEqual(events.map((event) => event.type).sort());

  // The requester still gets its answers, correlated; the event in each is the documented one too.
  expect(replies.map((message) => message.properties.correlationId).sort()).toEqual([...correlationIds].sort());
  for (const reply of replies) expectDocumentedEvent(JSON.parse(reply.content.toString("utf8")).event);
});
