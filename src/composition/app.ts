import { DEFAULT_LEASE_TTL_MS, recoverInterruptedRuns } from "../core/engine/index.js";
import { githubJobRunner } from "../access/github/run-github-job.js";
import { githubNotificationRoutes } from "../adapters/github/github-notification-routes.js";
import type { Octokit } from "../adapters/github/octokit-types.js";
import { notificationsFromSettings } from "./notifications.js";
import { readNotificationSettings } from "./notification-settings.js";
import { startBusCommands } from "./bus-commands.js";
import { startOutboxRelay } from "../adapters/outbox/outbox-relay.js";
import { formatInterruptedRun } from "../render/plan-text.js";
import { routedEventLine } from "../render/routed-event-line.js";
import type { Probot } from "probot";
import { KnownSecrets } from "../core/secrets/known-secrets.js";
import { engineFromSettings } from "./engine-from-settings.js";
import { awsTaggedResources } from "../adapters/aws/aws-tagged-resources.js";
import { githubRequestBudget } from "../adapters/github/request-budget.js";
import { PrometheusMetrics } from "../adapters/metrics/envbot-metrics.js";
import type { AppServices } from "../access/github/app-services.js";
import { registerCommentCommandHandler } from "../access/github/comment-command-handler.js";
import { registerPullRequestHandlers } from "../access/github/pull-request-handlers.js";
import { startScheduledSweeps } from "../access/github/scheduled-sweeps.js";
import { schedulePruning } from "../access/github/prune-old-deliveries.js";
import { openBackends, type Backends } from "./open-backends.js";
import { readSettings, SettingsError, type Settings } from "../adapters/server-env/settings.js";

/**
 * The envbot GitHub App: wires the adapters and registers the handlers. Nothing else happens
 * here. `services` is for tests; the server builds them from its environment.
 */
export function createEnvbotApp(services?: AppServices) {
  return async (app: Probot): Promise<void> => {
    if (services) {
      registerHandlers(app, services);
      return;
    }
    const settings = readSettings(process.env);
    // Loaded by another host (`probot run`), the app cannot open PostgreSQL and pg-boss first:
    // it would run embedded while believing it scales out (local state refused, sweeps split).
    if (settings.databaseUrl !== undefined) {
      throw new SettingsError("ENVBOT_DATABASE_URL (scale-out) needs envbot's own server: run `npm start`, `envbot server` or `envbot worker`");
    }
    startEnvbotApp(app, settings, process.env, await openBackends(settings, backendLog(app)));
  };
}

/** Where the store and queue report a job's or the queue's failure: the app's log. */
export function backendLog(app: Pick<Probot, "log">): Parameters<typeof openBackends>[1] {
  return {
    onJobError: (error, job) => app.log.error({ err: error, job: job.key }, "envbot job failed"),
    onQueueError: (error) => app.log.error({ err: error }, "the job queue (pg-boss) reported an error"),
  };
}

/**
 * What a process does. "all" (`npm start`, the embedded default): everything. In scale-out,
 * "server" takes webhooks and keeps their jobs; "worker" runs jobs, the reconcile schedules and
 * the delivery of events.
 */
export type Role = "all" | "server" | "worker";

/** The app on the adapters its settings name, with the reconcile schedules; server.ts runs it. */
export function startEnvbotApp(app: Probot, settings: Settings, env: NodeJS.ProcessEnv, backends: Backends, role: Role = "all"): AppServices {
  const services = servicesFromSettings(settings, env, backends);
  const notificationSettings = readNotificationSettings(env);
  if (role !== "worker") {
    registerPullRequestHandlers(app, services);
    registerCommentCommandHandler(app, services);
    // Commands come in like webhooks: every server takes them (the broker shares them out).
    if (notificationSettings.amqpCommands) {
      services.busCommands = startBusCommands(app, services, notificationSettings.amqpCommands);
      services.busCommands.catch((error: unknown) => app.log.error({ err: error }, "could not start the AMQP command queue"));
    }
  }
  if (role === "server") return services;
  // Second guard: a signing secret or bot token a template or a target's answer repeats is redacted from every text too.
  services.engine.knownSecrets?.add(notificationSettings.targets.flatMap((t) => (t.kind === "webhook" ? [t.secret] : t.kind === "slack" && t.bot ? [t.bot.token] : [])));
  const notifications = notificationsFromSettings({
    settings: notificationSettings,
    store: services.engine.store,
    routesOf: githubNotificationRoutes({ appOctokit: async () => (await app.auth()) as Octokit, installationOctokit: async (id) => (await app.auth(id)) as Octokit }),
  });
  services.events = startOutboxRelay({
    outbox: services.engine.store,
    ...notifications,
    // Several workers share one outbox in scale-out: one of them relays at a time.
    lease: settings.databaseUrl === undefined ? undefined : services.engine.store,
    redact: services.engine.knownSecrets?.redact,
    // One line per event: the event itself (its plan, its reason) is the targets' to show.
    onRouted: (event, targets) => app.log.info(routedEventLine(event, targets)),
    onError: (error, event, target) =>
      app.log.error({ err: error, event: event.id, target }, target ? `could not deliver an envbot event to ${target}; it is tried again later` : "could not read where an envbot event goes; it is tried again later"),
  });
  startJobs(app, services);
  schedulePruning(services.engine.store, { now: services.engine.now, onError: (error) => app.log.warn({ err: error }, "could not prune old webhook deliveries and run logs") });
  // Scale-out: a sweep's environments are checked by every worker at once.
  startScheduledSweeps(app, services, settings.concurrency, settings.databaseUrl !== undefined);
  watchInterruptedRuns(app, services);
  return services;
}

/**
 * Runs a previous process left running are closed as interrupted (see recoverInterruptedRuns):
 * at start, and again while some remain, since a dead holder's lease frees only when it expires.
 * A merge's apply among them is reported on its pull request by the resumed job.
 */
function watchInterruptedRuns(app: Probot, services: AppServices): void {
  const recover = () =>
    recoverInterruptedRuns(services.engine).then(
      (runs) => runs.forEach((run) => app.log.warn({ repository: run.repository, run: run.id }, formatInterruptedRun(run))),
      (error: unknown) => app.log.error({ err: error }, "could not close the runs a previous process left running"),
    );
  void recover();
  const every = Math.min(services.engine.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS, 60_000);
  setInterval(() => void services.engine.store.listUnfinishedRuns().then((runs) => (runs.length > 0 ? recover() : undefined), () => undefined), every).unref();
}

/** The handlers keep jobs; the queue runs them, first those a stopped process left. */
function registerHandlers(app: Probot, services: AppServices): void {
  registerPullRequestHandlers(app, services);
  registerCommentCommandHandler(app, services);
  startJobs(app, services);
}

function startJobs(app: Probot, services: AppServices): void {
  const runner = githubJobRunner(app, services);
  services.queue.start(services.metrics ? services.metrics.measuredJobs(runner) : runner).catch((error: unknown) => app.log.error({ err: error }, "could not resume the jobs a previous process left"));
}

/** The app's services on the store and queue openBackends opened: built here, once, for every process. */
export function servicesFromSettings(settings: Settings, env: NodeJS.ProcessEnv, backends: Backends): AppServices {
  const metrics = new PrometheusMetrics({ queue: backends.queue, store: backends.store, outbox: backends.store, githubBudget: () => githubRequestBudget.list() });
  const built = engineFromSettings(settings, env, backends.store);
  const engine = { ...built, terraform: metrics.measuredTerraform(built.terraform), knownSecrets: new KnownSecrets() };
  return {
    engine,
    metrics,
    queue: backends.queue,
    // The orphan sweep asks the region envbot's environments are made in, with the server's AWS credentials.
    taggedResources: awsTaggedResources(settings.aws, env),
  };
}

export default createEnvbotApp();
