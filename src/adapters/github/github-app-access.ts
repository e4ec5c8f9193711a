import { PermissionUnavailableError, type AccessPolicy } from "../../core/authorization/authorize.js";
import type { Permission } from "../../core/ports.js";
import { githubCodeHost } from "./github-code-host.js";
import { isActiveTeamMember } from "./team-membership.js";
import { splitRepository, statusOf, type Octokit } from "./octokit-types.js";

/** How long an answer from GitHub is reused: a removed collaborator loses access within this. */
export const ACCESS_CACHE_MS = 60_000;

export interface GitHubAppAccess extends AccessPolicy {
  /** The App's installation on the repository; undefined when the App is not installed there. */
  installationOf(repository: string): Promise<number | undefined>;
  /** An Octokit of the installation on the repository. */
  octokitFor(repository: string): Promise<Octokit>;
}

/**
 * What a GitHub login may do in a repository, asked through the App's installation on it (the
 * collaborator permission, which counts teams and organization roles), cached briefly. A
 * repository the App is not installed on is one nobody may see through envbot.
 */
export function githubAppAccess(options: {
  appOctokit: () => Promise<Octokit>;
  installationOctokit: (installation: number) => Promise<Octokit>;
  ttlMs?: number;
  now?: () => number;
}): GitHubAppAccess {
  const { ttlMs = ACCESS_CACHE_MS, now = Date.now } = options;
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  // One question in flight per key; a failed answer is not kept.
  const cached = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = ask();
    cache.set(key, { at: now(), value });
    value.catch(() => cache.delete(key));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return value;
  };
  const unavailable = (what: string) => (error: unknown) => {
    throw new PermissionUnavailableError(`could not ask GitHub ${what}: ${(error as Error).message}`);
  };

  const installationOf = (repository: string) =>
    cached(`installation ${repository}`, async () => {
      const octokit = await options.appOctokit().catch(unavailable(`for the App's installation on ${repository}`));
      try {
        const { data } = await octokit.rest.apps.getRepoInstallation(splitRepository(repository));
        return data.id;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return unavailable(`for the App's installation on ${repository}`)(error);
      }
    });

  const octokitFor = async (repository: string) => {
    const installation = await installationOf(repository);
    if (installation === undefined) throw new PermissionUnavailableError(`the envbot App is not installed on ${repository}`);
    return options.installationOctokit(installation);
  };

  // The team's organization may differ from the repository's: its own installation answers.
  const orgInstallation = (org: string) =>
    cached(`org installation ${org}`, async () => {
      const octokit = await options.appOctokit().catch(unavailable(`for the App's installation on ${org}`));
      try {
        return (await octokit.rest.apps.getOrgInstallation({ org })).data.id;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return unavailable(`for the App's installation on ${org}`)(error);
      }
    });

  return {
    installationOf,
    octokitFor,
    isTeamMember(org, team, login) {
      return cached(`member ${org}/${team} ${login}`.toLowerCase(), async () => {
        const installation = await orgInstallation(org);
        // An organization without the App: nobody can be shown to be in its teams.
        if (installation === undefined) return false;
        return isActiveTeamMember(await options.installationOctokit(installation), org, team, login);
      });
    },
    permissionOf(repository, login) {
      return cached(`permission ${repository} ${login.toLowerCase()}`, async (): Promise<Permission> => {
        if ((await installationOf(repository)) === undefined) return "none";
        const octokit = await octokitFor(repository);
        return githubCodeHost(octokit).permissionOf(repository, login).catch(unavailable(`for ${login}'s permission on ${repository}`));
      });
    },
  };
}
