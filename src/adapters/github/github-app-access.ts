import { PermissionUnavailableError, type AccessPolicy } from "../../core/authorization/authorize.js";
import type { Permission } from "../../core/ports/index.js";
import { isActiveTeamMember } from "./team-membership.js";
import { splitRepository, statusOf, type Octokit } from "./octokit-types.js";

/** How long an answer from GitHub is reused: a removed collaborator loses access within this. */
export const ACCESS_CACHE_MS = 60_000;
/**
 * How long a private repository's name and visibility are reused: only a repository turning
 * public waits this long to be readable by everyone (a public one is asked again each minute).
 */
export const PRIVATE_REPOSITORY_CACHE_MS = 10 * 60_000;

export interface GitHubAppAccess extends AccessPolicy {
  /** The App's installation on the repository; undefined when the App is not installed there. */
  installationOf(repository: string): Promise<number | undefined>;
  /**
   * GitHub's own spelling of a repository named in any case (GitHub's names are case-insensitive:
   * `Octo-Org/Alpha` is `octo-org/alpha`); undefined when the App is not installed on one by that name.
   */
  canonicalRepository(repository: string): Promise<string | undefined>;
  /** An Octokit of the installation on the repository. */
  octokitFor(repository: string): Promise<Octokit>;
}

/** A repository as GitHub knows it through the App: its own spelling and whether everyone may read it. */
interface KnownRepository {
  fullName: string;
  private: boolean;
}

/**
 * What a GitHub login may do in a repository, read through the App's installation on it, cached
 * briefly. What visibility costs in GitHub requests grows with repositories, not with logins x
 * repositories: each repository's collaborator list (everyone with access and their role,
 * counting teams and organization roles) is asked at most once a minute and shared by every
 * login. A login missing from a list that an earlier question fetched may have the list asked
 * again at once (someone just added), but at most once a minute per login: a login that can
 * see nothing costs at most one request a minute. A login missing from the list may read a
 * public repository only. A repository the App is not installed on is one nobody may see
 * through envbot.
 */
export function githubAppAccess(options: {
  appOctokit: () => Promise<Octokit>;
  installationOctokit: (installation: number) => Promise<Octokit>;
  ttlMs?: number;
  now?: () => number;
}): GitHubAppAccess {
  const { ttlMs = ACCESS_CACHE_MS, now = Date.now } = options;
  const cache = new Map<string, { at: number; keep: number; value: Promise<unknown> }>();
  // One question in flight per key; a failed answer is not kept; `keep` may lengthen what an answer is worth.
  const cached = <T>(key: string, ask: () => Promise<T>, options: { again?: boolean; keep?: (answer: T) => number } = {}): Promise<T> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < hit.keep && !options.again) return hit.value as Promise<T>;
    const value = ask();
    const entry = { at: now(), keep: ttlMs, value };
    cache.set(key, entry);
    value.then((answer) => (entry.keep = options.keep?.(answer) ?? ttlMs)).catch(() => cache.get(key) === entry && cache.delete(key));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return value;
  };
  const unavailable = (what: string) => (error: unknown) => {
    throw new PermissionUnavailableError(`could not ask GitHub ${what}: ${(error as Error).message}`);
  };

  const installationOf = (repository: string) =>
    cached(`installation ${repository.toLowerCase()}`, async () => {
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

  // GitHub answers a name in any case with the repository's own spelling (and visibility).
  const repositoryNamed = (repository: string) =>
    cached(`repository ${repository.toLowerCase()}`, async (): Promise<KnownRepository | undefined> => {
      if ((await installationOf(repository)) === undefined) return undefined;
      const octokit = await octokitFor(repository);
      try {
        const { data } = await octokit.rest.repos.get(splitRepository(repository));
        return { fullName: data.full_name, private: data.private };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return unavailable(`about ${repository}`)(error);
      }
    }, { keep: (known) => (known?.private ? PRIVATE_REPOSITORY_CACHE_MS : ttlMs) });

  const collaboratorsOf = (repository: string, again = false) =>
    cached(
      `collaborators ${repository.toLowerCase()}`,
      async () => {
        const octokit = await octokitFor(repository);
        const list = await octokit
          .paginate(octokit.rest.repos.listCollaborators, { ...splitRepository(repository), affiliation: "all", per_page: 100 })
          .catch(unavailable(`who may see ${repository}`));
        return new Map(list.map((collaborator) => [collaborator.login.toLowerCase(), permissionOfCollaborator(collaborator)]));
      },
      { again },
    );
  const fresh = (key: string) => {
    const hit = cache.get(key);
    return hit !== undefined && now() - hit.at < hit.keep;
  };

  // When each login last had a list asked again because it was missing from it.
  const askedAgainFor = new Map<string, number>();
  const mayAskAgainFor = (login: string) => {
    const last = askedAgainFor.get(login);
    if (last !== undefined && now() - last < ttlMs) return false;
    askedAgainFor.delete(login);
    askedAgainFor.set(login, now());
    if (askedAgainFor.size > 10_000) askedAgainFor.delete(askedAgainFor.keys().next().value!);
    return true;
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
    async canonicalRepository(repository) {
      return (await repositoryNamed(repository))?.fullName;
    },
    async permissionOf(repository, login) {
      const known = await repositoryNamed(repository);
      if (known === undefined) return "none";
      const key = login.toLowerCase();
      // A list fetched by an earlier question may predate this login's access.
      const earlier = fresh(`collaborators ${known.fullName.toLowerCase()}`);
      let listed = (await collaboratorsOf(known.fullName)).get(key);
      if (listed === undefined && earlier && mayAskAgainFor(key)) listed = (await collaboratorsOf(known.fullName, true)).get(key);
      return listed ?? (known.private ? "none" : "read");
    },
  };
}

/**
 * A collaborator's role: role_name names maintain and triage (custom roles fall back to the base
 * permissions they are built on).
 */
function permissionOfCollaborator(collaborator: { role_name: string; permissions?: { admin: boolean; maintain?: boolean; push: boolean; triage?: boolean; pull: boolean } }): Permission {
  if (ROLES.includes(collaborator.role_name as Permission)) return collaborator.role_name as Permission;
  const granted = collaborator.permissions;
  if (granted?.admin) return "admin";
  if (granted?.maintain) return "maintain";
  if (granted?.push) return "write";
  if (granted?.triage) return "triage";
  return granted?.pull ? "read" : "none";
}

const ROLES: readonly Permission[] = ["admin", "maintain", "write", "triage", "read"];
