import { authorize, type AccessPolicy, type Action } from "../../core/authorization/authorize.js";
import { recordedRepository } from "../../core/repository/index.js";
import type { JobQueue, RepositoryChanges, Store } from "../../core/ports/index.js";
import { ApiProblem, forbidden, notFound } from "./api-problem.js";
import type { LookupGate } from "./lookup-gate.js";
import { apiActor, REPOSITORY_PATTERN, type Principal } from "./api-request.js";
import type { Revocations } from "./revocations.js";

/**
 * An open live stream (a run's log) asks again this often whether its caller may still see it:
 * a revoked token, an ended session or lost access to the repository ends it within this.
 */
export const STREAM_REAUTHORIZE_MS = 30_000;

/** What the API works with, wired once by the server. */
export interface ApiDeps {
  store: Store;
  /** Each caller's permission on a repository, from GitHub through the App (cached briefly). */
  access: AccessPolicy;
  /**
   * GitHub's own spelling of a repository a caller wrote in any case; undefined when the App
   * knows none by that name. Every name a caller writes is resolved once, here, so records,
   * state, policy and jobs see one identity.
   */
  canonicalRepository(repository: string): Promise<string | undefined>;
  /** Seals session cookies (ENVBOT_SESSION_SECRET, or the one envbot keeps); none without sign-in. */
  sessionSecret?: string;
  /**
   * The session cookie's name: SESSION_COOKIE unless the server names another (`envbot ui`, one
   * per port: a browser sends a host's cookies to each of its ports).
   */
  sessionCookie?: string;
  now: () => Date;
  /** Revocations made in this process: open streams re-authorize at once. */
  revocations: Revocations;
  /** How often an open stream re-authorizes its caller (STREAM_REAUTHORIZE_MS). */
  streamReauthorizeMs: number;
  /** Default branches, their files, and the pull requests the actions open. */
  changes: RepositoryChanges;
  /** Where "plan now" is queued. */
  queue: Pick<JobQueue, "enqueue">;
  /** The App's installation on a repository (a queued job rebuilds its GitHub client from it). */
  installationOf(repository: string): Promise<number | undefined>;
  /** The server's log: refusals of repositories the caller cannot see go here, not to their audit trail. */
  log: { info(details: object, message: string): void };
  /** Which names of repositories envbot keeps no records of a login may have GitHub asked about now. */
  lookups: LookupGate;
}

/**
 * The repositories among `repositories` the caller may see, in the same order. Only GitHub
 * repositories: a CLI checkout's records (an absolute path) in the same store are nobody's here.
 */
export async function readableRepositories(deps: ApiDeps, principal: Principal, repositories: readonly string[]): Promise<string[]> {
  const actor = apiActor(principal);
  const github = repositories.filter((repository) => REPOSITORY_PATTERN.test(repository));
  const decisions = await Promise.all(github.map((repository) => authorize(actor, "read", { repository }, deps.access)));
  return github.filter((_, i) => decisions[i]!.allowed);
}

/**
 * The `repository` query parameter (an OWNER/NAME, as the document requires) as the records
 * spell it (they keep GitHub's spelling, and GitHub's names are case-insensitive), or as written
 * when envbot records no such repository; undefined when absent. A filter asks GitHub nothing more.
 */
export async function queryRepository(deps: ApiDeps, written: string | undefined): Promise<string | undefined> {
  if (written === undefined) return undefined;
  return (await recordedRepository(deps.store, written)) ?? written;
}

/**
 * The repositories envbot keeps environments of that the caller may read (the query's
 * `repository` alone when given: nothing when the caller cannot read it).
 */
export async function knownReadableRepositories(deps: ApiDeps, principal: Principal, repository: string | undefined): Promise<string[]> {
  const only = await queryRepository(deps, repository);
  const candidates = only !== undefined ? [only] : await deps.store.listRepositories();
  return readableRepositories(deps, principal, candidates);
}

/**
 * The repository (and environment) a caller wrote, in GitHub's spelling, when the caller may read
 * it. A repository the caller cannot read answers exactly as one that does not exist (404, the
 * same words): its existence is not the caller's to learn. A refused action on it goes to the
 * server's log, never to that repository's audit trail (which its readers see).
 */
export async function visibleRepository(deps: ApiDeps, principal: Principal, written: { repository: string; name?: string }, action: Action = "read"): Promise<string> {
  // A token's repositories are known here: outside them, GitHub need not be asked.
  const outsideToken = principal.via === "token" && !principal.repositories.some((r) => r.toLowerCase() === written.repository.toLowerCase());
  if (!outsideToken && (await recordedRepository(deps.store, written.repository)) === undefined && !deps.lookups.allow(principal.login, written.repository)) {
    // Whether the name exists or not: the answer says nothing of it.
    throw new ApiProblem(429, "Too Many Requests", "envbot asks GitHub about one repository it keeps no environments of per minute for you; try again in a minute", undefined, { "retry-after": "60" });
  }
  const canonical = outsideToken ? undefined : await deps.canonicalRepository(written.repository);
  const readable = canonical !== undefined && (await authorize(apiActor(principal), "read", { repository: canonical }, deps.access)).allowed;
  if (canonical !== undefined && readable) return canonical;
  if (action !== "read") deps.log.info({ login: principal.login, via: principal.via, action, repository: written.repository, environment: written.name }, "refused: the caller cannot see this repository");
  throw notFound(written.name !== undefined ? `there is no environment ${written.name} in ${written.repository} that you can see` : `there is no repository ${written.repository} that you can see`);
}

/**
 * The environment in GitHub's spelling of its repository, when the caller may do `action` there.
 * What the caller may not see answers 404, as if it were not there; what it may see but not
 * change answers 403 with the reason.
 */
export async function requireAllowed<T extends { repository: string; name?: string }>(deps: ApiDeps, principal: Principal, action: Action, written: T): Promise<T> {
  const environment = { ...written, repository: await visibleRepository(deps, principal, written, action) };
  if (action === "read") return environment;
  const decision = await authorize(apiActor(principal), action, environment, deps.access);
  if (decision.allowed) return environment;
  if (decision.reason === "needs-write") throw forbidden(`${action} needs write permission on ${environment.repository}; ${principal.login} has ${decision.permission}`);
  throw forbidden(`${action} is not allowed here (${decision.reason})`);
}
