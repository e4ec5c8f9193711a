import type { ChangeCounts, DomainEventData } from "../../generated/schemas.js";

export type { ChangeCounts };

/**
 * What happened to an environment, as the core says it: written to the outbox with the state
 * change it describes (one transaction), then delivered to every subscriber (the server log,
 * Slack, signed webhooks, AMQP). Never GitHub-shaped: no issue, comment or check run numbers.
 * Texts in an event are already redacted.
 *
 * Its fields are schemas/event.schema.json's (docs/notifications.md lists each type's): the
 * documented event format is the one source of the type. Besides them an event may carry
 * `request`, which stays inside envbot: it is kept in the outbox row and read by the reply target,
 * and never sent to a subscriber (publicEventData).
 */
export type DomainEvent = DomainEventData & {
  /**
   * The command from the message bus this event answers (a run's end): the outcome goes back
   * to `replyTo` with `id` as the correlation id. Another client's reply queue and correlation id
   * are not a subscriber's business: never part of the outgoing event.
   */
  request?: BusRequest;
};

export type DomainEventType = DomainEvent["type"];

type EventBody = DomainEvent extends infer E ? (E extends DomainEvent ? Omit<E, "id" | "at"> : never) : never;

/** An event with a fresh id, at `at`. */
export function domainEvent(body: EventBody, at: Date): DomainEvent {
  return { id: globalThis.crypto.randomUUID(), at: at.toISOString(), ...body } as DomainEvent;
}

/** A plan's counts as events carry them. */
export function changeCounts(summary: { changes: { add: number; change: number; destroy: number } }): ChangeCounts {
  return { add: summary.changes.add, change: summary.changes.change, destroy: summary.changes.destroy };
}

/** An event kept in the outbox, with its delivery bookkeeping. */
export interface OutboxEntry {
  /** Order of writing: delivered in this order. */
  seq: number;
  event: DomainEvent;
  attempts: number;
  lastError?: string;
}

/**
 * A command from the message bus waiting for its run's end: a plan is answered by its plan's
 * end, an apply or a destroy by the apply's (or by the plan's when that fails).
 */
export interface BusRequest {
  id: string;
  replyTo: string;
  command: "plan" | "apply" | "destroy";
}
