import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startOutboxRelay } from "../../src/adapters/outbox/outbox-relay.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { toCloudEvent } from "../../src/adapters/notify/webhook/cloud-event.js";
import { webhookTarget } from "../../src/adapters/notify/webhook/webhook-target.js";
import { signWebhookBody } from "../../src/adapters/notify/webhook/webhook-signature.js";
import { domainEvent, type DomainEvent } from "../../src/core/events/domain-event.js";
import type { Store } from "../../src/core/ports/index.js";
import { startWebhookReceiver } from "../helpers/notify/webhook-receiver.js";
import type { Benchmark } from "./bench-harness.js";

const EVENTS = Number(process.env.BENCH_NOTIFY_EVENTS ?? 1000);
const ENVIRONMENTS = 20;
const SECRET = "bench-secret-0123456789";

/**
 * The relay's cost over the HTTP it does: EVENTS events of 20 environments from a SQLite outbox
 * to a local signed-webhook receiver, routed and marked per delivery, against POSTing the same
 * signed bodies straight to the receiver one after another (the floor). Then the same events with
 * a second target that answers 503 to everything: the healthy target's time, against all healthy,
 * shows that a failing target holds back only its own deliveries.
 */
export const notificationsBenchmark: Benchmark = {
  name: `Notifications: ${EVENTS} events through the outbox to a signed webhook`,
  async run() {
    const dir = await mkdtemp(path.join(tmpdir(), "envbot-bench-notify-"));
    const healthy = await startWebhookReceiver();
    const failing = await startWebhookReceiver();
    failing.answerWith(() => 503);
    try {
      const events = Array.from({ length: EVENTS }, (_, i) =>
        domainEvent({ type: "applied", repository: "acme/environments", environment: `env-${i % ENVIRONMENTS}`, actor: "octocat", runId: i, changes: { add: 1, change: 0, destroy: 0 } }, new Date()),
      );

      const direct = performance.now();
      for (const event of events) {
        const body = JSON.stringify(toCloudEvent(event));
        const response = await fetch(`${healthy.url}/direct`, { method: "POST", body, headers: { "content-type": "application/cloudevents+json", "envbot-signature": signWebhookBody(body, SECRET, new Date()) } });
        await response.arrayBuffer();
      }
      const directMs = performance.now() - direct;

      const relayed = async (file: string, withFailing: boolean): Promise<number> => {
        const store = openSqliteStore({ file: path.join(dir, file) });
        try {
          await store.appendEvents(events);
          const targets = [webhookTarget({ name: "healthy", url: `${healthy.url}/relayed`, secret: SECRET }), ...(withFailing ? [webhookTarget({ name: "failing", url: failing.url, secret: SECRET })] : [])];
          const relay = startOutboxRelay({
            outbox: store,
            targets,
            routing: { targetsOf: async () => targets.map((t) => t.name), contextOf: async (e: DomainEvent) => ({ links: { repository: `https://github.com/${e.repository}` } }) },
            onError: () => undefined,
            intervalMs: 60_000,
            retryBaseMs: 60_000,
          });
          const started = performance.now();
          await relay.drain();
          const ms = performance.now() - started;
          relay.stop();
          await expectDelivered(store, "healthy");
          return ms;
        } finally {
          await store.close();
        }
      };
      const allHealthyMs = await relayed("healthy.db", false);
      const oneFailingMs = await relayed("failing.db", true);
      return [
        { name: "direct POSTs, one after another", value: directMs, unit: "ms" },
        { name: "through the relay (route, sign, POST, mark)", value: allHealthyMs, unit: "ms", note: `${Math.round((EVENTS / allHealthyMs) * 1000)} events/s` },
        { name: "relay / direct", value: allHealthyMs / directMs, unit: "x" },
        { name: "healthy target beside one answering 503", value: oneFailingMs, unit: "ms" },
        { name: "with a failing target / all healthy", value: oneFailingMs / allHealthyMs, unit: "x", note: "the failing one is tried once per environment, then waits" },
      ];
    } finally {
      await Promise.all([healthy.close(), failing.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function expectDelivered(store: Store, target: string): Promise<void> {
  const status = (await store.deliveryStatus()).find((s) => s.target === target);
  if (status?.delivered !== EVENTS) throw new Error(`${target}: ${status?.delivered ?? 0} of ${EVENTS} delivered`);
}
