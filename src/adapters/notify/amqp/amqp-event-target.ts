import type { DomainEvent, DomainEventType } from "../../../core/events/domain-event.js";
import { PermanentDeliveryError, type NotificationTarget } from "../notification-target.js";
import { toCloudEvent } from "../webhook/cloud-event.js";
import { AmqpConnection } from "./amqp-connection.js";
import { isAllowedReplyQueue, type ReplyQueueRule } from "./reply-queue-rule.js";

export const DEFAULT_EVENTS_EXCHANGE = "envbot.events";
/** AMQP short strings (routing keys, queue names) are at most 255 bytes; the broker cannot take more. */
const MAX_SHORT_STRING_BYTES = 255;

/**
 * `envbot.<repository>.<environment>.<event type>`, e.g. `envbot.acme/envs.checkout.applied`:
 * a dot separates the words topic bindings match (`envbot.*.*.drift-found`, `envbot.acme/envs.#`),
 * so a dot inside the repository or environment becomes "_" ("/" is an ordinary character).
 */
export function eventRoutingKey(event: Pick<DomainEvent, "repository" | "environment" | "type">): string {
  const word = (text: string) => text.replaceAll(".", "_");
  return `envbot.${word(event.repository)}.${word(event.environment)}.${event.type}`;
}

/**
 * Publishes events as CloudEvents (structured mode) to a durable topic exchange, persistent, and
 * resolves only once the broker confirmed: the relay may then forget the event.
 */
export function amqpEventTarget(options: { name: string; url: string; exchange?: string }): NotificationTarget {
  const exchange = options.exchange ?? DEFAULT_EVENTS_EXCHANGE;
  const connection = new AmqpConnection({
    url: options.url,
    // Declared on every (re)connect: publishing to a missing exchange would close the channel.
    setup: async (channel) => void (await channel.assertExchange(exchange, "topic", { durable: true })),
  });
  return {
    name: options.name,
    kind: "amqp",
    async deliver(event) {
      const routingKey = eventRoutingKey(event);
      if (Buffer.byteLength(routingKey) > MAX_SHORT_STRING_BYTES) {
        throw new PermanentDeliveryError(`routing key longer than ${MAX_SHORT_STRING_BYTES} bytes: ${routingKey}`);
      }
      const cloudEvent = toCloudEvent(event);
      await connection.publish(exchange, routingKey, Buffer.from(JSON.stringify(cloudEvent)), {
        persistent: true,
        contentType: "application/cloudevents+json",
        contentEncoding: "utf-8",
        // Stable across retries: consumers drop duplicates by it.
        messageId: event.id,
        // AMQP timestamps are seconds; when it happened, not when this attempt published it.
        timestamp: Math.floor(Date.parse(event.at) / 1000),
        type: cloudEvent.type,
        appId: "envbot",
      });
    },
    close: () => connection.close(),
  };
}

/**
 * Sends a JSON reply to a requester's queue (the default exchange routes by queue name) and
 * resolves once the broker confirmed it. A queue that does not exist (the requester went away)
 * drops the reply: that is the requester's loss, not an error.
 */
export async function publishReply(connection: AmqpConnection, replyTo: string, correlationId: string, body: object): Promise<void> {
  if (replyTo === "" || Buffer.byteLength(replyTo) > MAX_SHORT_STRING_BYTES) {
    throw new PermanentDeliveryError(`invalid replyTo queue name: ${JSON.stringify(replyTo)}`);
  }
  await connection.publish("", replyTo, Buffer.from(JSON.stringify(body)), {
    correlationId,
    persistent: true,
    contentType: "application/json",
    contentEncoding: "utf-8",
    timestamp: Math.floor(Date.now() / 1000),
    appId: "envbot",
  });
}

/** Which events end a requested run, and whether it went as asked. */
const RUN_OUTCOMES: Partial<Record<DomainEventType, boolean>> = {
  planned: true,
  applied: true,
  destroyed: true,
  "plan-failed": false,
  "apply-failed": false,
  "run-interrupted": false,
};

/**
 * Answers commands that came over the bus: an event that ends a run a command asked for
 * (`event.request`) goes to the command's replyTo queue as `{ id, ok, event }`, correlated by
 * the command's id. Every other event is not an answer and is skipped. The command consumer only
 * takes commands whose reply queue `rule` allows; a request that does not (a job queued before
 * the rule) is parked, never answered.
 */
export function amqpReplyTarget(options: { url: string; name?: string; rule: ReplyQueueRule }): NotificationTarget {
  const connection = new AmqpConnection({ url: options.url });
  return {
    name: options.name ?? "amqp-replies",
    kind: "amqp",
    async deliver(event) {
      const ok = RUN_OUTCOMES[event.type];
      if (event.request === undefined || ok === undefined) return;
      // An apply's or a destroy's own plan is not its answer; that plan failing is.
      if (event.type === "planned" && event.request.command !== "plan") return;
      if (!isAllowedReplyQueue(event.request.replyTo, options.rule)) throw new PermanentDeliveryError(`${JSON.stringify(event.request.replyTo)} is no reply queue this server answers`);
      await publishReply(connection, event.request.replyTo, event.request.id, { id: event.request.id, ok, event: toCloudEvent(event) });
    },
    close: () => connection.close(),
  };
}
