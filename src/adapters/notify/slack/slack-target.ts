import type { NotificationTarget } from "../notification-target.js";
import { postDelivery } from "../http-post.js";
import { slackMessage } from "./slack-message.js";

/**
 * A Slack incoming webhook: one Block Kit message per event. Incoming webhooks cannot thread
 * (Slack gives no message timestamp back to reply to), so each event is its own message; the
 * environment's name leads it so a channel reads well sorted by environment.
 */
export function slackTarget(options: { name: string; url: string }): NotificationTarget {
  return {
    name: options.name,
    kind: "slack",
    async deliver(event, context) {
      await postDelivery(options.url, JSON.stringify(slackMessage(event, context)), { "content-type": "application/json; charset=utf-8" });
    },
  };
}
