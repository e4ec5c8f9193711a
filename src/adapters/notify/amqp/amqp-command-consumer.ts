import type { ConfirmChannel, ConsumeMessage } from "amqplib";
import { AmqpConnection } from "./amqp-connection.js";
import { publishReply } from "./amqp-event-target.js";
import { isAllowedReplyQueue } from "./reply-queue-rule.js";

export const DEFAULT_COMMANDS_QUEUE = "envbot.commands";
/** Reconnect backoff: doubles from the first delay up to the last while the broker stays away. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

export interface CommandMessage {
  /** The message body as UTF-8 text; parsing and validating it is the handler's business. */
  body: string;
  replyTo?: string;
  correlationId?: string;
  /**
   * The broker user who published it (the user_id property). RabbitMQ refuses a message whose
   * user_id is not the publishing connection's user, so it names the sender; app_id, which
   * anyone can set, does not.
   */
  userId?: string;
}

export interface CommandConsumerOptions {
  url: string;
  queue?: string;
  /** Handles one command; a `reply` goes back to the message's replyTo queue. */
  handle: (message: CommandMessage) => Promise<{ reply: object } | { reply?: undefined }>;
  /** A handler that threw, a reply that could not be sent, a lost connection: reported, never thrown. */
  onError: (error: unknown) => void;
  /** Messages handled at once; 1 keeps commands in order. */
  prefetch?: number;
  /** ENVBOT_AMQP_REPLY_PREFIX: besides the direct reply-to, queues starting with it take replies. */
  replyPrefix?: string;
  /** A command refused before it was read (its reply_to is no reply queue): logged, never answered. */
  onRefused: (refusal: { reason: string; replyTo?: string; userId?: string; correlationId?: string }) => void;
}

/**
 * Consumes commands from a durable queue, one handler call per message, acked once handled. A
 * command whose reply_to is no reply queue (isAllowedReplyQueue) is refused unread: it runs
 * nothing, is answered nowhere and goes to onRefused.
 * A message whose handler throws is answered `{ ok: false, reason: "internal error: ..." }`
 * and acked too: a poison message must not come back forever. Replies are best effort (the
 * command already took effect, so it is acked even when its reply could not be sent). Resolves
 * once consuming, or once the first attempt failed (reported to onError): it keeps
 * reconnecting with a backoff until stop().
 */
export async function startCommandConsumer(options: CommandConsumerOptions): Promise<{ stop(): Promise<void> }> {
  const queue = options.queue ?? DEFAULT_COMMANDS_QUEUE;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelay = RETRY_FIRST_MS;
  const inFlight = new Set<Promise<void>>();
  let subscription: { channel: ConfirmChannel; consumerTag: string } | undefined;

  const report = (error: unknown) => {
    try {
      options.onError(error);
    } catch {
      // A faulty reporter must not take the consumer down.
    }
  };
  const scheduleResubscribe = () => {
    if (stopped || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void subscribe();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  };

  // Separate connections, as RabbitMQ advises: a resource alarm blocks publishing connections,
  // and the replies must not block the acks and deliveries of the consuming one.
  const consuming = new AmqpConnection({
    url: options.url,
    onLost: (error) => {
      report(new Error(`AMQP command consumer lost its connection${error ? `: ${error.message}` : ""}`));
      scheduleResubscribe();
    },
  });
  const replies = new AmqpConnection({ url: options.url });

  const handleOne = async (channel: ConfirmChannel, message: ConsumeMessage): Promise<void> => {
    const { replyTo, correlationId, userId } = message.properties as { replyTo?: string; correlationId?: string; userId?: string };
    if (replyTo && !isAllowedReplyQueue(replyTo, { prefix: options.replyPrefix, commandQueue: queue })) {
      const reason = `reply_to ${JSON.stringify(replyTo)} is neither RabbitMQ's direct reply-to nor a queue under ENVBOT_AMQP_REPLY_PREFIX`;
      try {
        options.onRefused({ reason, replyTo, userId, correlationId });
      } catch (error) {
        report(error);
      }
      return ack(channel, message);
    }
    let reply: object | undefined;
    try {
      reply = (await options.handle({ body: message.content.toString("utf8"), replyTo, correlationId, userId })).reply;
    } catch (error) {
      report(error);
      reply = { ok: false, reason: `internal error: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (reply !== undefined && replyTo) {
      await publishReply(replies, replyTo, correlationId ?? "", reply).catch(report);
    }
    ack(channel, message);
  };
  const ack = (channel: ConfirmChannel, message: ConsumeMessage): void => {
    try {
      channel.ack(message);
    } catch (error) {
      // The channel closed meanwhile: the broker redelivers the message to the next subscription.
      report(error);
    }
  };

  const subscribe = async (): Promise<void> => {
    if (stopped) return;
    try {
      const channel = await consuming.channel();
      await channel.assertQueue(queue, { durable: true });
      await channel.prefetch(options.prefetch ?? 1);
      const { consumerTag } = await channel.consume(
        queue,
        (message) => {
          if (message === null) {
            // The broker cancelled the subscription (the queue was deleted): subscribe afresh.
            void channel.close().catch(() => undefined);
            return;
          }
          const handling = handleOne(channel, message);
          inFlight.add(handling);
          void handling.finally(() => inFlight.delete(handling));
        },
        { noAck: false },
      );
      subscription = { channel, consumerTag };
      retryDelay = RETRY_FIRST_MS;
    } catch (error) {
      if (stopped) return;
      report(error);
      scheduleResubscribe();
    }
  };

  await subscribe();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      // No new deliveries; the unacked ones left in the prefetch window go back to the queue.
      await subscription?.channel.cancel(subscription.consumerTag).catch(() => undefined);
      // Let the messages being handled finish and be acked before the channel goes.
      await Promise.allSettled([...inFlight]);
      await consuming.close();
      await replies.close();
    },
  };
}
