import type { PrometheusMetrics } from "../../adapters/metrics/envbot-metrics.js";
import type { OutboxRelay } from "../../adapters/outbox/outbox-relay.js";
import type { EngineDeps } from "../../core/engine/index.js";
import type { JobQueue, TaggedResourceSource } from "../../core/ports/index.js";

/** What the handlers work with, wired once in app.ts. */
export interface AppServices {
  engine: EngineDeps;
  queue: JobQueue;
  /** Delivers the outbox's events; started by the App on its own settings (tests may leave it out). */
  events?: OutboxRelay;
  /** The AMQP command queue's consumer, when ENVBOT_AMQP_URL is set. */
  busCommands?: Promise<{ stop(): Promise<void> }>;
  /** The cloud's index of tagged resources, for the opt-in orphan sweep (schedules.orphans). */
  taggedResources?: TaggedResourceSource;
  /** Prometheus metrics of this process (GET /metrics); jobs are counted when set. */
  metrics?: PrometheusMetrics;
}
