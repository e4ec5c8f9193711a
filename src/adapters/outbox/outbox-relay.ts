import type { DomainEvent } from "../../core/events/domain-event.js";
import { randomUUID } from "node:crypto";
import type { LeaseRecord, Outbox, Store } from "../../core/ports.js";

/** Where events go: the server log today; Slack, signed webhooks and AMQP as they come. */
export interface EventSubscriber {
  name: string;
  /** Throws when the event could not be delivered: it is offered again later. */
  deliver(event: DomainEvent): Promise<void>;
}

export interface OutboxRelay {
  /** Delivers what is pending now (and what that delivery appends), then resolves. */
  drain(): Promise<void>;
  stop(): void;
}

/** Delivery attempts before an event is parked (kept, no longer offered). */
export const MAX_DELIVERY_ATTEMPTS = 8;
const BATCH = 100;
const MAX_BACKOFF_MS = 5 * 60_000;
const RELAY_LEASE = "outbox-relay";
/** Events are kept this long after they were written, delivered or not. */
export const OUTBOX_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Delivers the outbox's events after their state change was committed, in the order they were
 * written, to every subscriber: at least once (an event is marked delivered only after every
 * subscriber took it, so a crash in between offers it again; subscribers drop repeats by the
 * event's id). A failing event holds back the ones after it (order per environment matters) and
 * is retried with exponential backoff, then parked so that it no longer blocks the rest.
 */
export function startOutboxRelay(options: {
  outbox: Outbox;
  subscribers: EventSubscriber[];
  onError: (error: unknown, event: DomainEvent, subscriber: string) => void;
  intervalMs?: number;
  now?: () => Date;
  /**
   * Where processes sharing one outbox (scale-out) agree which of them relays: the one holding the
   * lease `outbox-relay`; another takes over when it stops renewing it. Order holds only so.
   */
  lease?: Pick<Store, "acquireLease" | "renewLease" | "releaseLease">;
}): OutboxRelay {
  const { outbox, subscribers } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const now = options.now ?? (() => new Date());
  let retryAt = 0;
  let lastPrune = 0;
  let running: Promise<void> | undefined;

  const holder = `outbox-relay ${randomUUID().slice(0, 8)}`;
  let held: LeaseRecord | undefined;
  /** Whether this process relays now: always without a lease store, else while it holds the lease. */
  const relaying = async (): Promise<boolean> => {
    if (!options.lease) return true;
    const ttlMs = Math.max(10 * intervalMs, 10_000);
    if (held && (await options.lease.renewLease(held, ttlMs))) return true;
    const result = await options.lease.acquireLease(RELAY_LEASE, holder, ttlMs);
    held = result.acquired ? result.lease : undefined;
    return result.acquired;
  };

  const deliverPending = async (): Promise<void> => {
    if (Date.now() < retryAt) return;
    if (!(await relaying())) return;
    if (Date.now() - lastPrune > 3600_000) {
      lastPrune = Date.now();
      await outbox.pruneEvents(new Date(now().getTime() - OUTBOX_RETENTION_MS));
    }
    for (;;) {
      const pending = await outbox.pendingEvents(BATCH);
      if (pending.length === 0) return;
      for (const entry of pending) {
        const failed = await deliverToAll(entry.event);
        if (failed === undefined) {
          await outbox.markEventDelivered(entry.seq);
          continue;
        }
        const attempts = entry.attempts + 1;
        const park = attempts >= MAX_DELIVERY_ATTEMPTS;
        await outbox.markEventFailed(entry.seq, failed, park);
        if (!park) {
          retryAt = Date.now() + Math.min(intervalMs * 2 ** attempts, MAX_BACKOFF_MS);
          return;
        }
      }
    }
  };

  const deliverToAll = async (event: DomainEvent): Promise<string | undefined> => {
    const errors: string[] = [];
    for (const subscriber of subscribers) {
      try {
        await subscriber.deliver(event);
      } catch (error) {
        options.onError(error, event, subscriber.name);
        errors.push(`${subscriber.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return errors.length === 0 ? undefined : errors.join("; ");
  };

  // One delivery round at a time; a tick that finds one running waits for it.
  const round = (): Promise<void> => {
    running ??= deliverPending().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void round().catch(() => undefined), intervalMs);
  timer.unref();

  return {
    async drain() {
      retryAt = 0;
      await round();
    },
    stop() {
      clearInterval(timer);
      if (held && options.lease) void options.lease.releaseLease(held).catch(() => undefined);
    },
  };
}
