import type { DomainEvent, OutboxEntry } from "../events/domain-event.js";

/**
 * Domain events written with the state change they describe (see DomainEvent), kept until the
 * relay has routed them, and then one delivery per target (Slack, a webhook, AMQP) kept until
 * that target took it: a crash anywhere in between loses none, and a target that fails holds
 * back only its own deliveries.
 */
export interface Outbox {
  /** Events with no state change of their own (a definition the reconciler cannot use). */
  appendEvents(events: DomainEvent[]): Promise<void>;
  /** Events not routed yet (and not parked), oldest first. */
  pendingEvents(limit: number): Promise<OutboxEntry[]>;
  /**
   * Routes an event: one waiting delivery per target (or parked at once, with the reason, for a
   * target the server does not know), in one transaction with marking the event routed. Routing
   * an event twice adds nothing.
   */
  routeEvent(seq: number, deliveries: { target: string; parkedBecause?: string }[], now: Date): Promise<void>;
  /** Routing failed (the repository's routes could not be read): counted; a parked event is never routed. */
  markEventFailed(seq: number, error: string, park: boolean): Promise<void>;
  /**
   * The deliveries to attempt at `now`: for each target and environment, its oldest waiting
   * delivery, when it is due. A later event of the same environment waits for it (order).
   */
  dueDeliveries(now: Date, limit: number): Promise<EventDelivery[]>;
  markDeliveryDone(seq: number, target: string, now: Date): Promise<void>;
  /** A failed attempt: counted with its error, tried again at `retryAt`, or parked. */
  markDeliveryFailed(seq: number, target: string, error: string, retryAt: Date | "park"): Promise<void>;
  /**
   * Per target: deliveries waiting, parked, and the last error, for status and the API; of some
   * repositories' events only when `repositories` is given (the last error too: the newest of theirs).
   */
  deliveryStatus(options?: { repositories?: readonly string[] }): Promise<TargetDeliveryStatus[]>;
  /** The repositories whose events have deliveries (to show each caller only those of theirs), sorted. */
  deliveryRepositories(): Promise<string[]>;
  /** Parked deliveries, newest first (of one target when named). */
  listParkedDeliveries(options: { target?: string; limit: number }): Promise<EventDelivery[]>;
  /** Parked deliveries (of one target, of some repositories) waiting again, due at `now` with their attempts reset; returns how many. */
  retryParkedDeliveries(options: { target?: string; repositories?: readonly string[] }, now: Date): Promise<number>;
  /** Forgets events written before `before`, routed, delivered or not, with their deliveries; returns how many events. */
  pruneEvents(before: Date): Promise<number>;
}

/** One event on its way to one target. */
export interface EventDelivery {
  seq: number;
  target: string;
  event: DomainEvent;
  state: "waiting" | "delivered" | "parked";
  attempts: number;
  lastError?: string;
}

export interface TargetDeliveryStatus {
  target: string;
  waiting: number;
  parked: number;
  delivered: number;
  /** When the target last took an event. */
  lastDeliveredAt?: Date;
  lastError?: string;
}
