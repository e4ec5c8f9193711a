import type { Probot } from "probot";
import { createApiHandler } from "./access/api/create-api-handler.js";
import { createSignInHandler } from "./access/api/github-sign-in.js";
import { oneNamePerWindow } from "./access/api/lookup-gate.js";
import type { HttpHandler } from "./access/http/create-http-server.js";
import { createDashboardHandler } from "./access/web/serve-dashboard.js";
import { githubAppAccess } from "./adapters/github/github-app-access.js";
import { githubRepositoryChanges } from "./adapters/github/github-repository-changes.js";
import type { Octokit } from "./adapters/github/octokit-types.js";
import type { JobQueue, Store } from "./core/ports.js";
import type { GitHubAppSettings } from "./github-app-settings.js";

/**
 * The control plane's HTTP handlers (the REST API, sign-in with GitHub and the dashboard), on the App's own
 * view of who may see and do what: a person's permission on each repository, asked through the
 * App's installation there.
 */
export function controlPlaneHandlers(options: {
  probot: Probot;
  store: Store;
  queue: Pick<JobQueue, "enqueue">;
  appSettings: Pick<GitHubAppSettings, "signIn" | "sessionSecret">;
  now?: () => Date;
}): HttpHandler[] {
  const { probot, store, queue, appSettings, now = () => new Date() } = options;
  const access = githubAppAccess({ appOctokit: async () => (await probot.auth()) as Octokit, installationOctokit: async (id) => (await probot.auth(id)) as Octokit, now: () => now().getTime() });
  const deps = {
    store,
    access,
    canonicalRepository: access.canonicalRepository,
    queue,
    sessionSecret: appSettings.sessionSecret,
    now,
    changes: githubRepositoryChanges(access.octokitFor),
    installationOf: access.installationOf,
    log: probot.log,
    lookups: oneNamePerWindow(() => now().getTime()),
  };
  return [
    createApiHandler({ deps, log: probot.log }),
    createSignInHandler({ settings: appSettings.signIn, sessionSecret: appSettings.sessionSecret, now, log: { info: (m) => probot.log.info(m), warn: (d, m) => probot.log.warn(d, m) } }),
    createDashboardHandler(),
  ];
}
