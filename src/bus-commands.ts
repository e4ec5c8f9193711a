import type { Probot } from "probot";
import { busCommandHandler } from "./access/amqp/bus-command-handler.js";
import type { AppServices } from "./access/github/app-services.js";
import { startCommandConsumer } from "./adapters/notify/amqp/amqp-command-consumer.js";
import { githubAppAccess } from "./adapters/github/github-app-access.js";
import { githubRepositoryChanges } from "./adapters/github/github-repository-changes.js";
import type { Octokit } from "./adapters/github/octokit-types.js";
import type { AmqpCommandSettings } from "./notification-settings.js";

/**
 * The AMQP command queue (ENVBOT_AMQP_URL): commands taken as the `amqp` actor with the rights
 * ENVBOT_AMQP_ALLOW and ENVBOT_AMQP_REPOSITORIES grant, through the same core actions as the API.
 */
export async function startBusCommands(app: Probot, services: AppServices, settings: AmqpCommandSettings): Promise<{ stop(): Promise<void> }> {
  const access = githubAppAccess({ appOctokit: async () => (await app.auth()) as Octokit, installationOctokit: async (id) => (await app.auth(id)) as Octokit });
  const deps = {
    store: services.engine.store,
    policy: { ...access, amqpGrant: { actions: settings.actions, repositories: settings.repositories } },
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
    onError: (error) => app.log.error({ err: error }, "the AMQP command queue reported an error"),
  });
}
