import type { DomainEvent } from "../../core/events/domain-event.js";
import { redactStrings } from "../../core/secrets/redact-strings.js";
import { randomUUID } from "node:crypto";
import type { EventDelivery, LeaseRecord, Outbox, Store } from "../../core/ports/index.js";
import { PermanentDeliveryError, type DeliveryContext, type NotificationTarget } from "../notify/notification-target.js";

/** How the relay learns where an event goes and what its deliveries show. */
export interface EventRouting {
  /** The target names the repository's routes give the event; throws when they cannot be read now. */
  targetsOf(event: DomainEvent): Promise<string[]>;
  /** The environment's owner, template, labels and links, for the targets that show them. */
  contextOf(event: DomainEvent): Promise<DeliveryContext>;
}

export interface OutboxRelay {
  /** Routes what is pending and delivers what is due now (and what that frees), then resolves. */
  drain(): Promise<void>;
  stop(): void;
}

/** Attempts of one delivery before it is parked (dead-lettered: kept, shown, retried on demand). */
export const MAX_DELIVERY_ATTEMPTS = 10;
/** Attempts to read an event's routes (GitHub out of reach) before the event is parked. */
export const MAX_ROUTING_ATTEMPTS = 8;
const BATCH = 100;
/** Deliveries in flight at once, each the head of its own (target, environment) line. */
const PARALLEL_DELIVERIES = 4;
const MAX_BACKOFF_MS = 30 * 60_000;
const RELAY_LEASE = "outbox-relay";
/** Events are kept this long after they were written, delivered or not. */
export const OUTBOX_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Takes the outbox's events, after their state change was committed, to their targets: at
 * least once, in order per environment and target, each target on its own.
 *
 * Routing: an event, oldest first, becomes one delivery per target its repository's routes name
 * (one transaction with marking it routed: a crash before routes it again, adding nothing twice).
 * A target the server does not know is parked at once with the reason, so a typo shows up.
 *
 * Delivering: each (target, environment) line offers its oldest waiting delivery; a failure is
 * retried with exponential backoff and jitter (so many failed deliveries do not all return at
 * once), holding back only that line; after MAX_DELIVERY_ATTEMPTS, or at once when the target
 * says a retry cannot help, the delivery is parked and the line moves on. A delivery is marked
 * done only after the target took it: a crash in between delivers it again with the same event
 * id, which receivers drop.
 */
export function startOutboxRelay(options: {
  outbox: Outbox;
  targets: readonly NotificationTarget[];
  routing: EventRouting;
  /** Where events answering a command from the bus go, whatever the routes say (AMQP replies). */
  replies?: NotificationTarget;
  onError: (error: unknown, event: DomainEvent, target?: string) => void;
  /** Told of every event as it is routed (the server log line). */
  onRouted?: (event: DomainEvent, targets: string[]) => void;
  intervalMs?: number;
  /** The first retry's delay; each next one doubles it (up to 30 minutes). */
  retryBaseMs?: number;
  now?: () => Date;
  random?: () => number;
  /** The last guard on every outgoing text: secret values this process knows, masked. */
  redact?: (text: string) => string;
  /**
   * Where processes sharing one outbox (scale-out) agree which of them relays: the one holding the
   * lease `outbox-relay`; another takes over when it stops renewing it. Order holds only so.
   */
  lease?: Pick<Store, "acquireLease" | "renewLease" | "releaseLease">;
}): OutboxRelay {
  const { outbox, routing } = options;
  const targets = new Map(options.targets.map((target) => [target.name, target]));
  if (options.replies) targets.set(options.replies.name, options.replies);
  const intervalMs = options.intervalMs ?? 1000;
  const retryBaseMs = options.retryBaseMs ?? 2000;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  let routeRetryAt = 0;
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

  /** Exponential, with "equal jitter": half the delay fixed, half random. */
  const retryDelay = (attempts: number): number => {
    const delay = Math.min(retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    return delay / 2 + random() * (delay / 2);
  };

  const routePending = async (): Promise<void> => {
    if (Date.now() < routeRetryAt) return;
    for (;;) {
      const pending = await outbox.pendingEvents(BATCH);
      if (pending.length === 0) return;
      for (const entry of pending) {
        let names: string[];
        try {
          names = await routing.targetsOf(entry.event);
        } catch (error) {
          options.onError(error, entry.event);
          const attempts = entry.attempts + 1;
          const park = attempts >= MAX_ROUTING_ATTEMPTS;
          await outbox.markEventFailed(entry.seq, `routing: ${errorText(error)}`, park);
          // Later events wait (order), unless this one is parked.
          if (!park) {
            routeRetryAt = Date.now() + retryDelay(attempts);
            return;
          }
          continue;
        }
        const deliveries = names.map((name) => (targets.has(name) ? { target: name } : { target: name, parkedBecause: unknownTarget(name) }));
        if (entry.event.request && options.replies) deliveries.push({ target: options.replies.name });
        await outbox.routeEvent(entry.seq, deliveries, now());
        options.onRouted?.(entry.event, names);
      }
    }
  };

  const deliverOne = async (delivery: EventDelivery): Promise<void> => {
    const target = targets.get(delivery.target);
    if (!target) {
      await outbox.markDeliveryFailed(delivery.seq, delivery.target, unknownTarget(delivery.target), "park");
      return;
    }
    try {
      await target.deliver(redacted(delivery.event), redacted(await routing.contextOf(delivery.event)));
      await outbox.markDeliveryDone(delivery.seq, delivery.target, now());
    } catch (error) {
      options.onError(error, delivery.event, delivery.target);
      const attempts = delivery.attempts + 1;
      const park = error instanceof PermanentDeliveryError || attempts >= MAX_DELIVERY_ATTEMPTS;
      await outbox.markDeliveryFailed(delivery.seq, delivery.target, errorText(error), park ? "park" : new Date(now().getTime() + retryDelay(attempts)));
    }
  };

  const redacted = <T>(value: T): T => (options.redact ? redactStrings(value, options.redact) : value);

  const deliverDue = async (): Promise<void> => {
    // A delivery done frees the next of its line at once: ask again until nothing is due.
    for (;;) {
      const due = await outbox.dueDeliveries(now(), BATCH);
      if (due.length === 0) return;
      await inParallel(due, PARALLEL_DELIVERIES, deliverOne);
    }
  };

  const relayRound = async (): Promise<void> => {
    if (!(await relaying())) return;
    if (Date.now() - lastPrune > 3600_000) {
      lastPrune = Date.now();
      await outbox.pruneEvents(new Date(now().getTime() - OUTBOX_RETENTION_MS));
    }
    await routePending();
    await deliverDue();
  };

  // One round at a time; a tick that finds one running waits for it.
  const round = (): Promise<void> => {
    running ??= relayRound().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void round().catch(() => undefined), intervalMs);
  timer.unref();

  return {
    async drain() {
      routeRetryAt = 0;
      await round();
    },
    stop() {
      clearInterval(timer);
      for (const target of targets.values()) void target.close?.().catch(() => undefined);
      if (held && options.lease) void options.lease.releaseLease(held).catch(() => undefined);
    },
  };
}

/** What a target's owner reads when a route names a target the server has no settings for. */
export function unknownTarget(name: string): string {
  return `no notification target named ${name} is set up on this server (ENVBOT_NOTIFY_${name.toUpperCase().replace(/-/g, "_")}_URL)`;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}
