/**
 * RabbitMQ's direct reply-to: a requester consuming from this pseudo-queue sends it as reply_to,
 * and the broker hands the command on with reply_to `amq.rabbitmq.reply-to.<its channel>`; only
 * that requester's channel receives what is published there.
 */
export const DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

/** Where envbot may answer a command: its reply_to, as the command queue delivered it. */
export interface ReplyQueueRule {
  /** ENVBOT_AMQP_REPLY_PREFIX: queues whose name starts with it are reply queues too; none unless set. */
  prefix?: string;
  /** The command queue itself never gets a reply, whatever the prefix. */
  commandQueue: string;
}

/**
 * Whether envbot publishes a reply to `replyTo`. envbot publishes with its own credentials, so a
 * reply_to naming any queue would let whoever may send commands write into queues they cannot
 * write to themselves; only RabbitMQ's direct reply-to (which reaches nobody but the requester;
 * no client can declare a queue named amq.*) and the queues the operator set aside by prefix qualify.
 */
export function isAllowedReplyQueue(replyTo: string, rule: ReplyQueueRule): boolean {
  if (replyTo === rule.commandQueue) return false;
  if (replyTo === DIRECT_REPLY_TO || replyTo.startsWith(`${DIRECT_REPLY_TO}.`)) return true;
  return rule.prefix !== undefined && rule.prefix !== "" && replyTo.startsWith(rule.prefix);
}
