import type { DomainEvent } from "../../core/events/domain-event.js";

/**
 * What a delivery knows about the event's environment beyond the event itself: read from the
 * store and the server's settings when the event is delivered (events stay small and
 * GitHub-free). Every link is absolute; a link envbot cannot make is left out.
 */
export interface DeliveryContext {
  /** The environment's owner ("alice", "@acme/payments"), as its definition says. */
  owner?: string;
  template?: string;
  labels?: Record<string, string>;
  links: {
    /** The environments repository on GitHub. */
    repository: string;
    /** The environment's page on the dashboard (ENVBOT_PUBLIC_URL set). */
    dashboard?: string;
    /** The run's page on the dashboard. */
    run?: string;
    /** The pull request the run was for. */
    pullRequest?: string;
    /** The issue envbot keeps for the environment (expiry warning, drift). */
    issue?: string;
  };
}

/**
 * A place events go (a Slack incoming webhook, a signed webhook, an AMQP exchange): named by
 * the server's settings, chosen per event by the repository's routing. `deliver` resolves
 * once the target took the event and throws when it did not; the relay retries later.
 */
export interface NotificationTarget {
  name: string;
  kind: "slack" | "webhook" | "amqp";
  deliver(event: DomainEvent, context: DeliveryContext): Promise<void>;
  /** Frees connections (AMQP) when the server stops. */
  close?(): Promise<void>;
}

/**
 * A delivery the target refused in a way a retry cannot mend (a 4xx other than 408/429, a body
 * the target rejects): the relay parks it at once instead of retrying for hours.
 */
export class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}
