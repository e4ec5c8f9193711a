import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { connect, type Channel, type ChannelModel, type ConsumeMessage, type GetMessage } from "amqplib";
import { startCommandConsumer, type CommandMessage } from "../../src/adapters/notify/amqp/amqp-command-consumer.js";
import { amqpEventTarget, amqpReplyTarget, eventRoutingKey } from "../../src/adapters/notify/amqp/amqp-event-target.js";
import type { DeliveryContext } from "../../src/adapters/notify/notification-target.js";
import { domainEvent, type DomainEvent } from "../../src/core/events/domain-event.js";
import { eventually } from "../helpers/eventually.js";
import { freePort } from "../helpers/free-port.js";
import { expectDocumentedEvent } from "../helpers/notify/documented-event.js";
import { startRabbitMq, type RabbitMqServer } from "../helpers/rabbitmq-server.js";

let broker: RabbitMqServer;
/** The test's own view of the broker: declares queues, publishes commands, reads what arrived. */
let client: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  broker = await startRabbitMq();
  client = await connect(broker.url);
  channel = await client.createChannel();
}, 90_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await broker?.stop();
}, 30_000);

const context: DeliveryContext = { links: { repository: "https://github.com/acme/envs" } };
const changes = { add: 1, change: 0, destroy: 0 };
const at = new Date("2026-03-01T12:00:00Z");

/** Where the command consumers of these tests may answer (ENVBOT_AMQP_REPLY_PREFIX). */
const REPLY_PREFIX = "test.replies.";

/** A fresh queue only this test reads (deleted with the test's connection), under REPLY_PREFIX. */
async function privateQueue(): Promise<string> {
  return (await channel.assertQueue(`${REPLY_PREFIX}${randomUUID()}`, { exclusive: true })).queue;
}

/** The next message on `queue`, polled (basic.get) until one comes. */
async function nextMessage(queue: string): Promise<GetMessage> {
  let message = false as GetMessage | false;
  await eventually(`a message on ${queue}`, async () => (message = await channel.get(queue, { noAck: true })) !== false);
  return message as GetMessage;
}

/** Everything on `queue` now: a confirmed publish is already routed and enqueued. */
async function drain(queue: string): Promise<GetMessage[]> {
  const messages: GetMessage[] = [];
  for (let message = await channel.get(queue, { noAck: true }); message !== false; message = await channel.get(queue, { noAck: true })) {
    messages.push(message);
  }
  return messages;
}

const json = (message: GetMessage) => JSON.parse(message.content.toString("utf8")) as Record<string, unknown>;

describe("amqpEventTarget", () => {
  it("publishes confirmed, persistent CloudEvents to a topic exchange, routed by repository, environment and type", async () => {
    const target = amqpEventTarget({ name: "bus", url: broker.url });
    try {
      // The target declares the exchange itself; the test declares it too, to bind before the first event.
      await channel.assertExchange("envbot.events", "topic", { durable: true });
      const everything = await privateQueue();
      const drift = await privateQueue();
      await channel.bindQueue(everything, "envbot.events", "envbot.#");
      await channel.bindQueue(drift, "envbot.events", "envbot.*.*.drift-found");

      const applied = domainEvent({ type: "applied", repository: "acme/envs", environment: "checkout", runId: 7, changes, actor: "octocat" }, at);
      const driftFound = domainEvent({ type: "drift-found", repository: "acme/envs", environment: "checkout", fingerprint: "f1", drifted: 2, pendingInGit: 0 }, at);
      const dotted = domainEvent({ type: "planned", repository: "acme/my.repo", environment: "pr.12", runId: 8, changes }, at);
      for (const event of [applied, driftFound, dotted]) await target.deliver(event, context);

      const all = await drain(everything);
      expect(all.map((message) => message.fields.routingKey)).toEqual([
        "envbot.acme/envs.checkout.applied",
        "envbot.acme/envs.checkout.drift-found",
        "envbot.acme/my_repo.pr_12.planned",
      ]);
      const [first] = all;
      expect(first!.properties).toMatchObject({
        messageId: applied.id,
        contentType: "application/cloudevents+json",
        type: "dev.envbot.applied",
        appId: "envbot",
        deliveryMode: 2,
        timestamp: Math.floor(at.getTime() / 1000),
      });
      expect(json(first!)).toEqual({
        specversion: "1.0",
        id: applied.id,
        source: "envbot:acme/envs",
        type: "dev.envbot.applied",
        subject: "checkout",
        time: at.toISOString(),
        datacontenttype: "application/json",
        data: applied,
      });

      for (const message of all) expectDocumentedEvent(message.content.toString("utf8"));

      const drifts = await drain(drift);
      expect(drifts.map((message) => message.properties.messageId)).toEqual([driftFound.id]);
    } finally {
      await target.close?.();
    }
  });

  it("maps dots in the repository and environment to underscores, keeping the slash", () => {
    expect(eventRoutingKey({ repository: "acme/my.repo", environment: "eu.checkout", type: "expired" })).toBe("envbot.acme/my_repo.eu_checkout.expired");
  });

  it("rejects at once when nothing listens on the broker's port", async () => {
    const target = amqpEventTarget({ name: "bus", url: `amqp://guest:guest@127.0.0.1:${await freePort()}` });
    try {
      const event = domainEvent({ type: "applied", repository: "acme/envs", environment: "checkout", runId: 1, changes }, at);
      await expect(target.deliver(event, context)).rejects.toThrow(/ECONNREFUSED/);
      // And again: a failed connection attempt is forgotten, not cached.
      await expect(target.deliver(event, context)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await target.close?.();
    }
  });

  it("rejects after the connect timeout when the peer accepts but never speaks AMQP", async () => {
    // A half-dead broker: the TCP connection opens, the handshake never comes.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const target = amqpEventTarget({ name: "bus", url: `amqp://guest:guest@127.0.0.1:${port}` });
    try {
      const started = Date.now();
      const event = domainEvent({ type: "applied", repository: "acme/envs", environment: "checkout", runId: 1, changes }, at);
      await expect(target.deliver(event, context)).rejects.toThrow(/ETIMEDOUT/);
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await target.close?.();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 15_000);
});

describe("startCommandConsumer", () => {
  it("replies with the handler's answer, answers a handler that throws, and keeps consuming", async () => {
    const queue = `envbot.commands.test-${randomUUID()}`;
    const replyQueue = await privateQueue();
    const handled: CommandMessage[] = [];
    const errors: unknown[] = [];
    const consumer = await startCommandConsumer({
      url: broker.url,
      queue,
      onError: (error) => errors.push(error),
      replyPrefix: REPLY_PREFIX,
      onRefused: (refusal) => errors.push(refusal),
      handle: async (message) => {
        handled.push(message);
        if (message.body === "boom") throw new Error("boom");
        if (message.body === "quiet") return {};
        return { reply: { ok: true, echo: message.body } };
      },
    });
    const send = (body: string, correlationId?: string) =>
      channel.sendToQueue(queue, Buffer.from(body), correlationId ? { replyTo: replyQueue, correlationId, userId: "guest" } : {});
    try {
      send("hello", "c1");
      const first = await nextMessage(replyQueue);
      expect(first.properties.correlationId).toBe("c1");
      expect(first.properties.contentType).toBe("application/json");
      expect(json(first)).toEqual({ ok: true, echo: "hello" });
      expect(handled[0]).toEqual({ body: "hello", replyTo: replyQueue, correlationId: "c1", userId: "guest" });

      send("boom", "c2");
      const failed = await nextMessage(replyQueue);
      expect(failed.properties.correlationId).toBe("c2");
      expect(json(failed)).toEqual({ ok: false, reason: "internal error: boom" });
      expect(errors).toEqual([new Error("boom")]);

      // No replyTo, no reply; and the consumer goes on to the next message.
      send("quiet");
      send("after", "c3");
      const after = await nextMessage(replyQueue);
      expect(after.properties.correlationId).toBe("c3");
      expect(json(after)).toEqual({ ok: true, echo: "after" });
      expect(handled.map((message) => message.body)).toEqual(["hello", "boom", "quiet", "after"]);
    } finally {
      await consumer.stop();
    }
    // Every message was acked (unacked ones would be back in the queue now the consumer is gone).
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    expect((await channel.checkQueue(replyQueue)).messageCount).toBe(0);
    await channel.deleteQueue(queue);
  }, 30_000);

  it("subscribes again when the broker cancels its subscription (the queue was deleted)", async () => {
    const queue = `envbot.commands.test-${randomUUID()}`;
    const replyQueue = await privateQueue();
    const errors: unknown[] = [];
    const consumer = await startCommandConsumer({
      url: broker.url,
      queue,
      onError: (error) => errors.push(error),
      replyPrefix: REPLY_PREFIX,
      onRefused: (refusal) => errors.push(refusal),
      handle: async (message) => ({ reply: { ok: true, echo: message.body } }),
    });
    try {
      await channel.deleteQueue(queue);
      // The consumer re-declares the queue after its backoff; wait for it, then it must answer.
      await eventually("the consumer subscribed again", async () => (await channel.assertQueue(queue, { durable: true })).consumerCount > 0);
      channel.sendToQueue(queue, Buffer.from("again"), { replyTo: replyQueue, correlationId: "c9" });
      const reply = await nextMessage(replyQueue);
      expect(reply.properties.correlationId).toBe("c9");
      expect(json(reply)).toEqual({ ok: true, echo: "again" });
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await consumer.stop();
    }
    await channel.deleteQueue(queue);
  }, 30_000);

  it("answers only RabbitMQ's direct reply-to and queues under the reply prefix; any other reply_to is refused unread and gets nothing", async () => {
    const queue = `envbot.commands.test-${randomUUID()}`;
    // A queue of someone else's that the command's sender would like envbot to write into.
    const victim = (await channel.assertQueue(`billing.inbox.${randomUUID()}`, { exclusive: true })).queue;
    const handled: string[] = [];
    const refused: { reason: string; replyTo?: string }[] = [];
    const consumer = await startCommandConsumer({
      url: broker.url,
      queue,
      onError: (error) => refused.push({ reason: String(error) }),
      replyPrefix: REPLY_PREFIX,
      onRefused: (refusal) => refused.push(refusal),
      handle: async (message) => {
        handled.push(message.body);
        return { reply: { ok: true, echo: message.body } };
      },
    });
    // The requester's own channel: direct reply-to needs it to consume before it publishes.
    const requester = await client.createChannel();
    const direct: ConsumeMessage[] = [];
    await requester.consume("amq.rabbitmq.reply-to", (message) => void (message && direct.push(message)), { noAck: true });
    try {
      channel.sendToQueue(queue, Buffer.from("to the victim"), { replyTo: victim, correlationId: "bad" });
      channel.sendToQueue(queue, Buffer.from("to itself"), { replyTo: queue, correlationId: "loop" });
      requester.sendToQueue(queue, Buffer.from("direct"), { replyTo: "amq.rabbitmq.reply-to", correlationId: "good" });
      await eventually("the direct reply", () => direct.length > 0);
      expect(direct[0]!.properties.correlationId).toBe("good");
      expect(JSON.parse(direct[0]!.content.toString("utf8"))).toEqual({ ok: true, echo: "direct" });
      // The two before it were refused unread, in order, and answered nowhere. They came on another
      // channel, which the broker may take after the requester's: wait for both refusals.
      await eventually("both refusals", () => refused.length >= 2);
      expect(handled).toEqual(["direct"]);
      expect(refused.map((r) => r.replyTo)).toEqual([victim, queue]);
      expect(refused[0]!.reason).toContain("neither RabbitMQ's direct reply-to nor a queue under ENVBOT_AMQP_REPLY_PREFIX");
      expect(await drain(victim)).toEqual([]);
    } finally {
      await consumer.stop();
      await requester.close();
    }
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    await channel.deleteQueue(queue);
  }, 30_000);
});

describe("amqpReplyTarget", () => {
  it("answers the command a run-ending event carries, correlated by the command's id, and skips other events", async () => {
    const replyQueue = await privateQueue();
    const target = amqpReplyTarget({ url: broker.url, rule: { prefix: REPLY_PREFIX, commandQueue: "envbot.commands" } });
    const request = { id: "cmd-1", replyTo: replyQueue, command: "apply" as const };
    try {
      const applied: DomainEvent = domainEvent({ type: "applied", repository: "acme/envs", environment: "checkout", runId: 3, changes, request }, at);
      const failed: DomainEvent = domainEvent(
        { type: "plan-failed", repository: "acme/envs", environment: "checkout", runId: 4, reason: "syntax", request: { id: "cmd-2", replyTo: replyQueue, command: "apply" } },
        at,
      );
      // Not answers: no request, not the end of a run, or an apply's own plan.
      const unrequested = domainEvent({ type: "applied", repository: "acme/envs", environment: "checkout", runId: 5, changes }, at);
      const applysPlan = domainEvent({ type: "planned", repository: "acme/envs", environment: "checkout", runId: 2, changes, request }, at);
      const notARunEnd = domainEvent({ type: "expiry-warned", repository: "acme/envs", environment: "checkout", expiresAt: at.toISOString(), request }, at);
      for (const event of [applysPlan, applied, unrequested, notARunEnd, failed]) await target.deliver(event, context);

      const replies = await drain(replyQueue);
      expect(replies.map((message) => message.properties.correlationId)).toEqual(["cmd-1", "cmd-2"]);
      expect(replies[0]!.properties).toMatchObject({ contentType: "application/json", deliveryMode: 2, appId: "envbot" });
      // The event in the answer is the documented one: the request it answers is not part of it.
      const { request: _answered, ...appliedData } = applied;
      expect(json(replies[0]!)).toEqual({ id: "cmd-1", ok: true, event: expect.objectContaining({ id: applied.id, type: "dev.envbot.applied", data: appliedData }) });
      for (const reply of replies) expectDocumentedEvent(json(reply).event as object);
      expect(json(replies[1]!)).toEqual({ id: "cmd-2", ok: false, event: expect.objectContaining({ id: failed.id, type: "dev.envbot.plan-failed" }) });
    } finally {
      await target.close?.();
    }
  });
});
