import type { NotificationRoute } from "../../generated/schemas.js";
import { readRepositoryConfig } from "../../core/validation/index.js";
import { githubRepoFiles } from "./github-code-host.js";
import { splitRepository, statusOf, type Octokit } from "./octokit-types.js";

/** How long a repository's routes are reused: a change to .github/envbot.yml applies within this. */
export const ROUTES_CACHE_MS = 60_000;

/**
 * A repository's notification routes, from .github/envbot.yml on its default branch (like
 * every rule, never from a pull request), cached briefly. A repository the App is not installed
 * on, or a CLI checkout's path, has none; GitHub out of reach throws (the relay tries again).
 */
export function githubNotificationRoutes(options: {
  appOctokit: () => Promise<Octokit>;
  installationOctokit: (installation: number) => Promise<Octokit>;
  ttlMs?: number;
  now?: () => number;
}): (repository: string) => Promise<NotificationRoute[]> {
  const { ttlMs = ROUTES_CACHE_MS, now = Date.now } = options;
  const cache = new Map<string, { at: number; routes: NotificationRoute[] }>();
  return async (repository) => {
    if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) return [];
    const hit = cache.get(repository);
    if (hit && now() - hit.at < ttlMs) return hit.routes;
    let routes: NotificationRoute[] = [];
    try {
      const { data: installation } = await (await options.appOctokit()).rest.apps.getRepoInstallation(splitRepository(repository));
      const octokit = await options.installationOctokit(installation.id);
      const { data } = await octokit.rest.repos.get(splitRepository(repository));
      const { config } = await readRepositoryConfig(githubRepoFiles(octokit, repository, data.default_branch));
      routes = config.notifications.routes;
    } catch (error) {
      // Not installed there (any more), or the repository is gone: nowhere to send its events.
      if (statusOf(error) !== 404) throw error;
    }
    cache.set(repository, { at: now(), routes });
    return routes;
  };
}
