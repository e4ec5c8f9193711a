import type { DomainEvent } from "../core/events/domain-event.js";

/**
 * The server log's line for an event on its way to its targets: "envbot event planned:
 * acme/envs preview -> team-slack (event 0f6c…)". One line each, however many events relay: the
 * event itself goes to the targets, its id here finds it in the outbox and the targets' logs.
 */
export function routedEventLine(event: Pick<DomainEvent, "id" | "type" | "repository" | "environment">, targets: readonly string[]): string {
  return `envbot event ${event.type}: ${event.repository} ${event.environment}${targets.length > 0 ? ` -> ${targets.join(", ")}` : ""} (event ${event.id})`;
}
