import { eventSchema, type DomainEventData } from "../../generated/schemas.js";
import type { DomainEvent } from "./domain-event.js";

/**
 * Per event type, the data fields schemas/event.schema.json documents (the shared ones, then the
 * type's own), read from the schema itself so the documented format and what is sent cannot drift.
 */
const DOCUMENTED_FIELDS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.values(eventSchema.$defs)
    .filter((definition) => "allOf" in definition)
    .map((definition) => {
      const own = definition.properties as Record<string, unknown> & { type: { const: string } };
      return [own.type.const, [...Object.keys(eventSchema.$defs.eventBase.properties), ...Object.keys(own).filter((field) => field !== "type")]];
    }),
);

/**
 * What subscribers get of an event: exactly its type's documented fields (docs/notifications.md).
 * Whatever else an event carries inside envbot (the bus request a run answers: another client's
 * reply queue and correlation id) is left out here, at the one place every outgoing event passes.
 */
export function publicEventData(event: DomainEvent): DomainEventData {
  const fields = DOCUMENTED_FIELDS.get(event.type) ?? ["id", "at", "type", "repository", "environment"];
  const source = event as unknown as Record<string, unknown>;
  return Object.fromEntries(fields.filter((field) => source[field] !== undefined).map((field) => [field, source[field]])) as unknown as DomainEventData;
}
