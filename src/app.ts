import type { Probot } from "probot";
import { inProcessQueue } from "./adapters/queue/in-process-queue.js";
import { KnownSecrets } from "./core/secrets/known-secrets.js";
import { engineFromSettings } from "./engine-from-settings.js";
import type { AppServices } from "./handlers/app-services.js";
import { registerCommentCommandHandler } from "./handlers/comment-command-handler.js";
import { registerPullRequestHandlers } from "./handlers/pull-request-handlers.js";
import { readSettings } from "./settings.js";

/**
 * The envbot GitHub App: wires the adapters and registers the handlers. Nothing else happens
 * here. `services` is for tests; the server builds them from its environment.
 */
export function createEnvbotApp(services?: AppServices) {
  return (app: Probot): void => {
    const wired = services ?? servicesFromEnvironment(app);
    registerPullRequestHandlers(app, wired);
    registerCommentCommandHandler(app, wired);
  };
}

export function servicesFromEnvironment(app: Probot, env: NodeJS.ProcessEnv = process.env): AppServices {
  const settings = readSettings(env);
  return {
    engine: { ...engineFromSettings(settings, env), knownSecrets: new KnownSecrets() },
    queue: inProcessQueue({ concurrency: settings.concurrency, onError: (error) => app.log.error({ err: error }, "envbot job failed") }),
  };
}

export default createEnvbotApp();
