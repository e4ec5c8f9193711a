import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createProbot, type Probot } from "probot";
import { createHttpServer } from "./access/http/create-http-server.js";
import { startEnvbotApp } from "./app.js";
import { readGitHubAppSettings } from "./github-app-settings.js";
import type { AppServices } from "./access/github/app-services.js";
import { readSettings, SettingsError } from "./settings.js";
import { watchStoreHealth } from "./watch-store-health.js";

/**
 * The composition root of the GitHub App: reads the settings, builds Probot and the app's
 * services, and serves webhooks and health over node:http. Not Probot's server, which reads a
 * whole request body before checking its size or signature.
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<{ server: Server; probot: Probot; services: AppServices; url: string }> {
  const appSettings = readGitHubAppSettings(env);
  const settings = readSettings(env);
  let probot: Probot;
  try {
    probot = createProbot({ env: appSettings.probotEnv, overrides: { secret: appSettings.webhookSecret } });
  } catch (error) {
    // The ID and the secret are checked already; Probot drops a key it cannot read and then fails.
    throw new SettingsError(`PRIVATE_KEY or PRIVATE_KEY_PATH: not a PEM private key (the App's .pem file, its text or the text in base64): ${(error as Error).message}`);
  }
  let services: AppServices | undefined;
  await probot.load((app: Probot) => {
    services = startEnvbotApp(app, settings, env);
  });
  if (!services) throw new Error("the envbot app did not start");

  const server = createHttpServer({ probot, webhookSecret: appSettings.webhookSecret, webhookPath: appSettings.webhookPath, store: services.engine.store, queue: services.queue });
  watchStoreHealth(services.engine.store, probot.log);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(appSettings.port, appSettings.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  probot.log.info(`envbot listening on ${url}`);
  // What this process is, in one line, for whoever reads the log after a (re)start.
  probot.log.info(
    `envbot started: data directory ${settings.dataDir} (SQLite envbot.db: records, jobs, events); ` +
      `up to ${settings.concurrency} Terraform operations at once (ENVBOT_CONCURRENCY); ` +
      `reconcile schedules from each repository's .github/envbot.yml; ` +
      `health ${url}/api/v1/health, readiness ${url}/api/v1/health/ready`,
  );
  return { server, probot, services, url };
}

async function main(): Promise<void> {
  // As `probot run` did: settings may come from a .env file in the working directory.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const { server, probot, services } = await startServer();
  const stop = () => {
    probot.log.info("envbot stopping");
    services.events?.stop();
    server.close();
    void services.engine.store.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof SettingsError ? error.message : error);
    process.exit(1);
  });
}
