import type { Probot } from "probot";
import { busCommandHandler } from "../access/amqp/bus-command-handler.js";
import type { AppServices } from "../access/github/app-services.js";
import { startCommandConsumer } from "../adapters/notify/amqp/amqp-command-consumer.js";
import { githubAppAccess } from "../adapters/github/github-app-access.js";
import { githubRepositoryChanges } from "../adapters/github/github-repository-changes.js";
import type { Octokit } from "../adapters/github/octokit-types.js";
import type { AmqpCommandSettings } from "./notification-settings.js";

/**
 * The AMQP command queue (ENVBOT_AMQP_URL): commands taken as the `amqp` actor of their broker
 * user (user_id) with the rights ENVBOT_AMQP_USERS, ENVBOT_AMQP_ALLOW and ENVBOT_AMQP_REPOSITORIES
 * grant, through the same core actions as the API; answered only on RabbitMQ's direct reply-to
 * or a queue under ENVBOT_AMQP_REPLY_PREFIX.
 */
export async function startBusCommands(app: Probot, services: AppServices, settings: AmqpCommandSettings): Promise<{ stop(): Promise<void> }> {
  // Commands sent before user_id counted would now all be refused: say why at start.
  if (settings.users.length === 0) app.log.warn("AMQP command queue: ENVBOT_AMQP_USERS names no broker user, so every command is refused");
  const access = githubAppAccess({ appOctokit: async () => (await app.auth()) as Octokit, installationOctokit: async (id) => (await app.auth(id)) as Octokit });
  const deps = {
    store: services.engine.store,
    policy: { ...access, amqpGrant: { users: settings.users, actions: settings.actions, repositories: settings.repositories } },
    changes: githubRepositoryChanges(access.octokitFor),
    queue: services.queue,
    installationOf: access.installationOf,
    canonicalRepository: access.canonicalRepository,
    now: () => new Date(),
  };
  return startCommandConsumer({
    url: settings.url,
    queue: settings.queue,
    handle: busCommandHandler(deps),
    replyPrefix: settings.replyPrefix,
    onRefused: (refusal) => app.log.warn(refusal, "AMQP command refused unread: its reply_to is no reply queue (nothing ran, nothing was answered)"),
    onError: (error) => app.log.error({ err: error }, "the AMQP command queue reported an error"),
  });
}
