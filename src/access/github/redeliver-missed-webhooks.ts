import type { Octokit } from "../../adapters/github/octokit-types.js";
import type { Store } from "../../core/ports/index.js";

/** How far back a server looks when it starts: deliveries it may have missed while it was down. */
export const STARTUP_REDELIVERY_WINDOW_MS = 60 * 60_000;
/** GitHub's clock and ours differ a little; a failed delivery just before the outage was seen counts too. */
const CLOCK_MARGIN_MS = 60_000;

export interface RedeliveryResult {
  /** The delivery GUIDs asked for again. */
  redelivered: string[];
}

/**
 * Asks GitHub to deliver again every webhook since `since` that envbot never kept: each delivery
 * (GUID) whose attempts all failed on envbot's side (5xx, or no answer) and that the store has not
 * recorded. GitHub redelivers with the same GUID, so a delivery that another server or an earlier
 * call already brought back is kept only once. Refusals (4xx: a bad signature) are not retried.
 */
export async function redeliverMissedWebhooks(input: { appOctokit: Octokit; store: Pick<Store, "hasDelivery">; since: Date }): Promise<RedeliveryResult> {
  const { appOctokit, store } = input;
  const since = input.since.getTime() - CLOCK_MARGIN_MS;
  const attempts = new Map<string, { latestId: number; latestAt: number; ok: boolean; retryable: boolean }>();
  // Newest first: stop at the first page that reaches back past `since`.
  for await (const page of appOctokit.paginate.iterator(appOctokit.rest.apps.listWebhookDeliveries, { per_page: 100 })) {
    let older = false;
    for (const delivery of page.data) {
      const at = Date.parse(delivery.delivered_at);
      if (at < since) {
        older = true;
        continue;
      }
      const seen = attempts.get(delivery.guid) ?? { latestId: delivery.id, latestAt: at, ok: false, retryable: true };
      if (at >= seen.latestAt) Object.assign(seen, { latestId: delivery.id, latestAt: at });
      if (delivery.status_code >= 200 && delivery.status_code < 300) seen.ok = true;
      if (delivery.status_code >= 400 && delivery.status_code < 500) seen.retryable = false;
      attempts.set(delivery.guid, seen);
    }
    if (older) break;
  }
  const redelivered: string[] = [];
  for (const [guid, seen] of attempts) {
    if (seen.ok || !seen.retryable || (await store.hasDelivery(guid))) continue;
    await appOctokit.rest.apps.redeliverWebhookDelivery({ delivery_id: seen.latestId });
    redelivered.push(guid);
  }
  return { redelivered };
}

/**
 * Brings back the webhooks refused while the store was unavailable: after the first refusal it
 * checks the store every `checkMs`; once it is healthy again, asks GitHub to redeliver what was
 * missed since the refusal. Also once at start, for what arrived while no server was up.
 */
export function watchMissedWebhooks(input: {
  appOctokit: () => Promise<Octokit>;
  store: Pick<Store, "hasDelivery" | "health">;
  log: { info(message: string): void; error(details: object, message: string): void };
  checkMs?: number;
  now?: () => Date;
}): { refused(delivery: string): void; stop(): void; settled(): Promise<void> } {
  const now = input.now ?? (() => new Date());
  let outageSince: Date | undefined;
  let running: Promise<void> = Promise.resolve();

  const recover = (since: Date, why: string) => {
    running = running.then(async () => {
      try {
        const { redelivered } = await redeliverMissedWebhooks({ appOctokit: await input.appOctokit(), store: input.store, since });
        if (redelivered.length > 0) input.log.info(`asked GitHub to redeliver ${redelivered.length} webhook(s) missed ${why}: ${redelivered.join(", ")}`);
        if (outageSince === since) outageSince = undefined;
      } catch (error) {
        input.log.error({ err: error }, `could not fetch the webhooks missed ${why} from GitHub's delivery log; trying again`);
      }
    });
    return running;
  };

  const timer = setInterval(() => {
    const since = outageSince;
    if (since === undefined) return;
    void input.store.health().then((health) => (health.ok ? recover(since, "while the database was unavailable") : undefined));
  }, input.checkMs ?? 5000);
  timer.unref();
  void recover(new Date(now().getTime() - STARTUP_REDELIVERY_WINDOW_MS), "while no envbot server was running");

  return {
    refused() {
      outageSince ??= now();
    },
    stop() {
      clearInterval(timer);
    },
    settled: () => running,
  };
}
