import type { DomainEvent } from "../../../core/events/domain-event.js";
import { publicEventData } from "../../../core/events/public-event-data.js";
import type { DomainEventData } from "../../../generated/schemas.js";

/**
 * A domain event as a CloudEvents 1.0 event in structured mode (application/cloudevents+json):
 * the outgoing event format, schemas/event.schema.json.
 */
export interface CloudEvent {
  specversion: "1.0";
  /** The domain event's id: stable across retries, so a receiver drops duplicates by it. */
  id: string;
  /** Where it happened: the environments repository. */
  source: string;
  /** "dev.envbot.applied", "dev.envbot.drift-found", ... */
  type: string;
  /** The environment. */
  subject: string;
  time: string;
  datacontenttype: "application/json";
  /** The event's documented fields only (publicEventData). */
  data: DomainEventData;
}

export const CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";

/**
 * The envelope of a domain event (its texts are redacted already, as every event's are), with
 * only its documented data: every webhook, AMQP subscriber and bus reply gets this.
 */
export function toCloudEvent(event: DomainEvent): CloudEvent {
  return {
    specversion: "1.0",
    id: event.id,
    source: `envbot:${event.repository}`,
    type: `dev.envbot.${event.type}`,
    subject: event.environment,
    time: event.at,
    datacontenttype: "application/json",
    data: publicEventData(event),
  };
}
