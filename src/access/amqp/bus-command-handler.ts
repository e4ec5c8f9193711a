import { randomUUID } from "node:crypto";
import { handleBusCommand, type BusCommandDeps } from "../../core/environment-actions/index.js";
import type { CommandMessage } from "../../adapters/notify/amqp/amqp-command-consumer.js";

/**
 * A message from the command queue, translated: its body to the core, its broker-checked
 * user_id as who asks, its reply_to and correlation_id to where and how the answer goes (the
 * consumer has already refused a reply_to that is no reply queue). The answer carries the id it
 * answers, so a client that sent several commands on one reply queue can tell them apart.
 */
export function busCommandHandler(deps: BusCommandDeps): (message: CommandMessage) => Promise<{ reply: object } | { reply?: undefined }> {
  return async (message) => {
    const id = message.correlationId ?? randomUUID();
    const answer = await handleBusCommand(deps, { body: message.body, ...(message.userId && { user: message.userId }), ...(message.replyTo && { reply: { id, replyTo: message.replyTo } }) });
    return answer ? { reply: { id, ...answer } } : {};
  };
}
