import { recoverInterruptedRuns } from "./core/engine/index.js";
import { formatInterruptedRun } from "./render/plan-text.js";
import type { Probot } from "probot";
import { inProcessQueue } from "./adapters/queue/in-process-queue.js";
import { KnownSecrets } from "./core/secrets/known-secrets.js";
import { engineFromSettings } from "./engine-from-settings.js";
import type { AppServices } from "./access/github/app-services.js";
import { registerCommentCommandHandler } from "./access/github/comment-command-handler.js";
import { registerPullRequestHandlers } from "./access/github/pull-request-handlers.js";
import { startScheduledSweeps } from "./access/github/scheduled-sweeps.js";
import { readSettings, type Settings } from "./settings.js";

/**
 * The envbot GitHub App: wires the adapters and registers the handlers. Nothing else happens
 * here. `services` is for tests; the server builds them from its environment.
 */
export function createEnvbotApp(services?: AppServices) {
  return (app: Probot): void => {
    if (services) {
      registerHandlers(app, services);
      return;
    }
    startEnvbotApp(app, readSettings(process.env), process.env);
  };
}

/** The app on the adapters its settings name, with the reconcile schedules; server.ts runs it. */
export function startEnvbotApp(app: Probot, settings: Settings, env: NodeJS.ProcessEnv): AppServices {
  const services = servicesFromSettings(app, settings, env);
  registerHandlers(app, services);
  startScheduledSweeps(app, services, settings.concurrency);
  // Runs a previous process left running are closed as interrupted (see recoverInterruptedRuns).
  void recoverInterruptedRuns(services.engine).then(
    (runs) => runs.forEach((run) => app.log.warn({ repository: run.repository, run: run.id }, formatInterruptedRun(run))),
    (error: unknown) => app.log.error({ err: error }, "could not close the runs a previous process left running"),
  );
  return services;
}

function registerHandlers(app: Probot, services: AppServices): void {
  registerPullRequestHandlers(app, services);
  registerCommentCommandHandler(app, services);
}

export function servicesFromSettings(app: Probot, settings: Settings, env: NodeJS.ProcessEnv): AppServices {
  return {
    engine: { ...engineFromSettings(settings, env), knownSecrets: new KnownSecrets() },
    queue: inProcessQueue({ concurrency: settings.concurrency, onError: (error) => app.log.error({ err: error }, "envbot job failed") }),
  };
}

export default createEnvbotApp();
