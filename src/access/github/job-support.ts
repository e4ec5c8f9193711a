import type { Context } from "probot";
import type { AppServices } from "./app-services.js";
import { redactOutgoingRequests } from "../../adapters/github/redact-outgoing-requests.js";
import { pruneOldDeliveries } from "./prune-old-deliveries.js";

/**
 * False for a redelivery of a webhook already handled (GitHub keeps the delivery id). Only
 * looks: the delivery is recorded when its work is done or kept (with the job, in one
 * transaction), so a crash in between leaves it to be redelivered, never lost. Also installs the
 * redaction guard on this event's Octokit before anything is sent.
 */
export async function newDelivery(services: AppServices, context: Context): Promise<boolean> {
  if (services.engine.knownSecrets) redactOutgoingRequests(context.octokit, services.engine.knownSecrets.redact);
  const { store, now } = services.engine;
  // Housekeeping: a failure here must not cost the delivery.
  await pruneOldDeliveries(store, now()).catch((error: unknown) => context.log.warn({ err: error }, "could not prune old webhook deliveries"));
  if (!(await store.hasDelivery(context.id))) return true;
  context.log.info({ delivery: context.id }, "redelivered webhook ignored");
  return false;
}

/** The delivery's work is done (answered without a job): a redelivery is ignored from now on. */
export async function deliveryHandled(services: AppServices, context: Context): Promise<void> {
  await services.engine.store.recordDelivery(context.id, services.engine.now());
}
