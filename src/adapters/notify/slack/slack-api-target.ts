import type { DomainEventType } from "../../../core/events/domain-event.js";
import type { NotificationThreads } from "../../../core/ports/index.js";
import { postDelivery } from "../http-post.js";
import { PermanentDeliveryError, type NotificationTarget } from "../notification-target.js";
import { slackMessage } from "./slack-message.js";

/**
 * Events that end an environment's life: the reply closes its thread, and the environment's next
 * life (a new apply) starts a new one.
 */
const ENDS_THREAD: ReadonlySet<DomainEventType> = new Set(["destroyed", "expired"]);

/** Replies also shown in the channel: what someone has to act on. */
const BROADCAST: ReadonlySet<DomainEventType> = new Set(["plan-failed", "apply-failed", "run-interrupted", "expiry-warned", "drift-found", "orphans-found", "policy-blocked"]);

/**
 * Slack's answers that a later attempt may get past (rate limits, Slack's own trouble); any
 * other refusal (a revoked token, a channel the bot is not in, blocks Slack rejects) parks the
 * delivery at once. https://docs.slack.dev/reference/methods/chat.postMessage
 */
const RETRYABLE = new Set(["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

/** Slack's answers when the thread's first message is gone (deleted, or never in this channel). */
const THREAD_GONE = new Set(["thread_not_found", "invalid_thread_ts"]);

/** Slack's answer to chat.postMessage: `ts` names the message, the thread's id when it starts one. */
interface PostMessageAnswer {
  ok?: boolean;
  ts?: string;
  error?: string;
}

/**
 * Slack through its Web API (chat.postMessage with a bot token): each environment's events form
 * one thread in the channel, its first message the thread's start, later ones replies (failures
 * and warnings also shown in the channel). The thread is kept in the store, so it survives
 * restarts and is shared by every worker. A message posted just before a crash whose thread was
 * not yet kept starts a second thread: nothing is lost, the conversation is split.
 */
export function slackApiTarget(options: { name: string; url: string; token: string; channel: string; threads: NotificationThreads }): NotificationTarget {
  const { name, threads } = options;
  return {
    name,
    kind: "slack",
    async deliver(event, context) {
      const thread = await threads.notificationThread(name, event.repository, event.environment);
      const message = {
        channel: options.channel,
        ...slackMessage(event, context),
        unfurl_links: false,
        ...(thread !== undefined && { thread_ts: thread, reply_broadcast: BROADCAST.has(event.type) }),
      };
      const body = await postDelivery(options.url, JSON.stringify(message), {
        "content-type": "application/json; charset=utf-8",
        authorization: `Bearer ${options.token}`,
      });
      const answer = parseAnswer(body);
      if (answer.ok !== true) {
        const error = typeof answer.error === "string" ? answer.error.slice(0, 100) : "no reason given";
        // The thread's first message is gone: the next attempt starts a new thread.
        if (thread !== undefined && THREAD_GONE.has(error)) {
          await threads.setNotificationThread(name, event.repository, event.environment, undefined);
          throw new Error(`Slack refused chat.postMessage: ${error} (the next attempt starts a new thread)`);
        }
        const text = `Slack refused chat.postMessage: ${error}`;
        throw RETRYABLE.has(error) ? new Error(text) : new PermanentDeliveryError(text);
      }
      if (ENDS_THREAD.has(event.type)) await threads.setNotificationThread(name, event.repository, event.environment, undefined);
      else if (thread === undefined && typeof answer.ts === "string") await threads.setNotificationThread(name, event.repository, event.environment, answer.ts);
    },
  };
}

function parseAnswer(body: string): PostMessageAnswer {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as PostMessageAnswer) : {};
  } catch {
    return { ok: false, error: "not a Slack API answer (is the URL https://slack.com/api/chat.postMessage?)" };
  }
}
