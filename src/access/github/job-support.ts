import type { Context } from "probot";
import type { AppServices } from "./app-services.js";
import { renderUnexpectedError } from "../../render/command-replies.js";
import { splitRepository } from "../../adapters/github/octokit-types.js";
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

export function pullRequestJobKey(repository: string, number: number): string {
  return `${repository}#${number}`;
}

/**
 * Something unexpected broke a job: the pull request is told (never only a log line), with where
 * to look; the error's details stay in the server log.
 */
export async function reportUnexpectedError(context: Context, repository: string, number: number, error: unknown): Promise<void> {
  context.log.error({ err: error, repository, number }, "envbot job failed");
  try {
    const { owner, repo } = splitRepository(repository);
    await context.octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: renderUnexpectedError(context.id) });
  } catch (reportError) {
    context.log.error({ err: reportError }, "could not report the failure on the pull request");
  }
}
