import type { Probot } from "probot";
import { STREAM_REAUTHORIZE_MS } from "../access/api/api-deps.js";
import { createApiHandler } from "../access/api/create-api-handler.js";
import { createSignInHandler } from "../access/api/github-sign-in.js";
import { oneNamePerWindow } from "../access/api/lookup-gate.js";
import { createRevocations } from "../access/api/revocations.js";
import type { HttpHandler } from "../access/http/create-http-server.js";
import { createDashboardHandler } from "../access/web/serve-dashboard.js";
import { githubAppAccess } from "../adapters/github/github-app-access.js";
import { githubRepositoryChanges } from "../adapters/github/github-repository-changes.js";
import type { Octokit } from "../adapters/github/octokit-types.js";
import type { JobQueue, Store } from "../core/ports/index.js";
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
  /** `sessionSecret`: the one in use (see keep-session-secret.ts); none without sign-in. */
  appSettings: Pick<GitHubAppSettings, "signIn" | "sessionSecret">;
  /** The clock of sessions and of the answers from GitHub kept briefly. */
  now?: () => Date;
  /** How often an open stream re-authorizes its caller; STREAM_REAUTHORIZE_MS unless a test says. */
  streamReauthorizeMs?: number;
}): HttpHandler[] {
  const { probot, store, queue, appSettings, now = () => new Date(), streamReauthorizeMs = STREAM_REAUTHORIZE_MS } = options;
  const access = githubAppAccess({ appOctokit: async () => (await probot.auth()) as Octokit, installationOctokit: async (id) => (await probot.auth(id)) as Octokit, now: () => now().getTime() });
  // One for the API and sign-in: a sign-out or a revoked token ends this process's open streams at once.
  const revocations = createRevocations();
  const { sessionSecret } = appSettings;
  const deps = {
    store,
    access,
    canonicalRepository: access.canonicalRepository,
    queue,
    sessionSecret,
    now,
    revocations,
    streamReauthorizeMs,
    changes: githubRepositoryChanges(access.octokitFor),
    installationOf: access.installationOf,
    log: probot.log,
    lookups: oneNamePerWindow(() => now().getTime()),
  };
  return [
    createApiHandler({ deps, log: probot.log }),
    createSignInHandler({ settings: appSettings.signIn, sessionSecret, store, revocations, now, log: { info: (m) => probot.log.info(m), warn: (d, m) => probot.log.warn(d, m) } }),
    createDashboardHandler(),
  ];
}
