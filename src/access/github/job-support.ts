import type { Context } from "probot";
import type { AppServices } from "./app-services.js";
import { redactOutgoingRequests } from "../../adapters/github/redact-outgoing-requests.js";
import { pruneOldDeliveries } from "./prune-old-deliveries.js";

/**
 * False for a redelivery of a webhook already processed (GitHub keeps the delivery id). Also
 * installs the redaction guard on this event's Octokit before anything is sent.
 */
export async function firstDelivery(services: AppServices, context: Context): Promise<boolean> {
  if (services.engine.knownSecrets) redactOutgoingRequests(context.octokit, services.engine.knownSecrets.redact);
  const { store, now } = services.engine;
  const receivedAt = now();
  const first = await store.recordDelivery(context.id, receivedAt);
  if (!first) context.log.info({ delivery: context.id }, "redelivered webhook ignored");
  // Housekeeping: a failure here must not cost the delivery.
  await pruneOldDeliveries(store, receivedAt).catch((error: unknown) => context.log.warn({ err: error }, "could not prune old webhook deliveries"));
  return first;
}

