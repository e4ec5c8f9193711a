import type { NotificationTarget } from "../notification-target.js";
import { postDelivery } from "../http-post.js";
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from "./cloud-event.js";
import { SIGNATURE_HEADER, signWebhookBody } from "./webhook-signature.js";

/**
 * A signed webhook: each event POSTed as a CloudEvents 1.0 structured event, signed over the
 * body and the time of sending (docs/notifications.md has the receiver's check). A retry is
 * signed anew (a fresh time) over the same body: same event id, so the receiver drops repeats.
 */
export function webhookTarget(options: { name: string; url: string; secret: string; now?: () => Date }): NotificationTarget {
  const now = options.now ?? (() => new Date());
  return {
    name: options.name,
    kind: "webhook",
    async deliver(event) {
      const body = JSON.stringify(toCloudEvent(event));
      await postDelivery(options.url, body, { "content-type": CLOUDEVENTS_CONTENT_TYPE, [SIGNATURE_HEADER]: signWebhookBody(body, options.secret, now()) });
    },
  };
}
