import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createProbot, ProbotOctokit, type Probot } from "probot";
import { githubRequestBudget, recordRequestBudget } from "../adapters/github/request-budget.js";
import { createHttpServer } from "../access/http/create-http-server.js";
import { controlPlaneHandlers } from "./control-plane.js";
import { oidcIssuerFromSettings } from "./engine-from-settings.js";
import { oidcDiscoveryHandler } from "../access/http/oidc-discovery-handler.js";
import { terraformBinaryHealth } from "../adapters/terraform/terraform-binary-health.js";
import { backendLog, startEnvbotApp, type Role } from "./app.js";
import type { Octokit } from "../adapters/github/octokit-types.js";
import { watchMissedWebhooks } from "../access/github/redeliver-missed-webhooks.js";
import { describeConnection } from "../adapters/store/postgres/connection-errors.js";
import { openBackendsWhenReachable, type Backends } from "./open-backends.js";
import { claimPort } from "./claim-port.js";
import { readGitHubAppSettings } from "./github-app-settings.js";
import { keepSessionSecret } from "./keep-session-secret.js";
import type { AppServices } from "../access/github/app-services.js";
import { readSettings, SettingsError, type Settings } from "../adapters/server-env/settings.js";
import { watchStoreHealth } from "./watch-store-health.js";

/**
 * The composition root of the GitHub App: reads the settings, opens the store and the queue,
 * builds Probot and the app's services, and serves webhooks and health over node:http. Not
 * Probot's server, which reads a whole request body before checking its size or signature. A
 * worker (scale-out) serves health only.
 */
export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  role: Role = "all",
): Promise<{ server: Server; probot: Probot; services: AppServices; url: string; backends: Backends; missed?: ReturnType<typeof watchMissedWebhooks>; stop(graceMs: number): Promise<void> }> {
  const appSettings = readGitHubAppSettings(env, { terminal: process.stdout.isTTY === true });
  const settings = readSettings(env);
  if (role !== "all" && settings.databaseUrl === undefined) {
    throw new SettingsError(`separate servers and workers share their work through PostgreSQL: set ENVBOT_DATABASE_URL (or run both in one process with npm start)`);
  }
  let probot: Probot;
  try {
    // Every installation's client records GitHub's budget headers (readiness, metrics, sweeps' deferral).
    probot = createProbot({ env: appSettings.probotEnv, overrides: { secret: appSettings.webhookSecret, Octokit: ProbotOctokit.plugin(recordRequestBudget() as never) } });
  } catch (error) {
    // The ID and the secret are checked already; Probot drops a key it cannot read and then fails.
    throw new SettingsError(`PRIVATE_KEY or PRIVATE_KEY_PATH: not a PEM private key (the App's .pem file, its text or the text in base64): ${(error as Error).message}`);
  }
  const backends = await openBackendsWhenReachable(settings, { ...backendLog(probot), waiting: (message) => probot.log.warn(message) });
  // The port before any job is taken: a process that cannot serve stops here, never half started.
  const claimedPort = await claimPort(appSettings.port, appSettings.host).catch(async (error: unknown) => {
    await backends.queue.stop?.(0).catch(() => undefined);
    await backends.store.close().catch(() => undefined);
    throw error;
  });
  let services: AppServices | undefined;
  await probot.load((app: Probot) => {
    services = startEnvbotApp(app, settings, env, backends, role);
  });
  if (!services) throw new Error("the envbot app did not start");

  // A server takes webhooks: those it had to refuse, or missed while down, are fetched again.
  const missed =
    role === "worker"
      ? undefined
      : watchMissedWebhooks({ appOctokit: async () => (await probot.auth()) as Octokit, store: services.engine.store, log: { info: (m) => probot.log.info(m), error: (d, m) => probot.log.error(d, m) } });
  for (const warning of appSettings.warnings) probot.log.warn(warning);
  if (role !== "worker" && !appSettings.signIn) {
    probot.log.warn("sign-in is not set up: the dashboard and the API need GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the App's OAuth client); pull requests are planned without them");
  }
  const sessionSecret =
    role === "worker"
      ? undefined
      : await keepSessionSecret({ configured: appSettings.sessionSecret, signIn: appSettings.signIn !== undefined, mode: backends.mode, dataDir: settings.dataDir, store: services.engine.store, log: probot.log });
  const issuer = oidcIssuerFromSettings(settings, services.engine.store);
  const oidcHandlers = issuer ? [oidcDiscoveryHandler(issuer)] : [];
  const server = createHttpServer({
    handlers: role === "worker" ? [] : [...oidcHandlers, ...controlPlaneHandlers({ probot, store: services.engine.store, queue: services.queue, appSettings: { signIn: appSettings.signIn, sessionSecret } })],
    // A server of scale-out runs no Terraform: its readiness does not hang on the binary.
    terraform: role === "server" ? undefined : terraformBinaryHealth(settings.terraformBin),
    githubBudget: () => githubRequestBudget.list(),
    metrics: services.metrics,
    log: probot.log,
    onUnavailable: missed?.refused,
    probot,
    webhookSecret: appSettings.webhookSecret,
    webhookPath: appSettings.webhookPath,
    store: services.engine.store,
    queue: services.queue,
    webhooks: role !== "worker",
  });
  const stopHealthWatch = watchStoreHealth(services.engine.store, probot.log);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(claimedPort, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  probot.log.info(`envbot listening on ${url}`);
  probot.log.info(startupLine(settings, backends, role, url));
  const started = services;
  /** No new webhooks or jobs; running jobs have `graceMs` to finish; then the store is closed. */
  const stop = async (graceMs: number) => {
    started.events?.stop();
    void started.busCommands?.then((consumer) => consumer.stop()).catch(() => undefined);
    missed?.stop();
    stopHealthWatch();
    server.close();
    claimedPort.close(() => undefined);
    await backends.queue.stop?.(graceMs).catch((error: unknown) => probot.log.error({ err: error }, "stopping the job queue failed"));
    await started.engine.store.close().catch(() => undefined);
  };
  return { server, probot, services, url, backends, missed, stop };
}

/** What this process is, in one line, for whoever reads the log after a (re)start. */
function startupLine(settings: Settings, backends: Backends, role: Role, url: string): string {
  const records =
    backends.mode === "embedded"
      ? `data directory ${settings.dataDir} (SQLite envbot.db: records, jobs, events)`
      : `scale-out on PostgreSQL ${describeConnection(settings.databaseUrl!)} (records, the pg-boss job queue); working directories in ${settings.dataDir}; ` +
        "environments must keep state in pg (PG_CONN_STR) or s3 (state.backend in .github/envbot.yml): plans of those with local state are refused";
  const work =
    role === "server"
      ? "takes webhooks and keeps their jobs; workers run them"
      : `up to ${settings.concurrency} Terraform operations at once (ENVBOT_CONCURRENCY); reconcile schedules from each repository's .github/envbot.yml`;
  return `envbot ${role === "all" ? "" : `${role} `}started: ${records}; ${work}; health ${url}/api/v1/health, readiness ${url}/api/v1/health/ready`;
}

/**
 * Runs a process of one role (the App embedded, a scale-out server or worker: the main-*.ts entry
 * files) until SIGINT or SIGTERM; then lets running jobs finish within the grace period.
 */
export async function runProcess(role: Role): Promise<void> {
  // As `probot run` did: settings may come from a .env file in the working directory.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const { probot, stop: stopServer } = await startServer(process.env, role);
  const graceMs = readSettings(process.env).shutdownGraceMs;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    probot.log.info(`envbot stopping: no new jobs; running ones have ${Math.round(graceMs / 1000)} s to finish`);
    void stopServer(graceMs).then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
