import { authorize, type AccessPolicy, type Action } from "../../core/authorization/authorize.js";
import type { JobQueue, RepositoryChanges, Store } from "../../core/ports.js";
import { badRequest, forbidden, notFound } from "./api-problem.js";
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
  /** Seals session cookies (ENVBOT_SESSION_SECRET, or the one envbot keeps); none without sign-in. */
  sessionSecret?: string;
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
 * The repositories envbot keeps environments of that the caller may read (`only` alone when
 * given: a 400 when it is no OWNER/NAME, nothing when the caller cannot read it).
 */
export async function knownReadableRepositories(deps: ApiDeps, principal: Principal, only?: string): Promise<string[]> {
  if (only !== undefined && !REPOSITORY_PATTERN.test(only)) throw badRequest("query.repository", "not a GitHub repository (OWNER/NAME)");
  const candidates = only !== undefined ? [only] : [...new Set((await deps.store.listEnvironments()).map((record) => record.repository))];
  return readableRepositories(deps, principal, candidates);
}

/**
 * Throws unless the caller may do `action` there. What the caller may not see answers 404, as if
 * it were not there; what it may see but not change answers 403 with the reason.
 */
export async function requireAllowed(deps: ApiDeps, principal: Principal, action: Action, environment: { repository: string; name?: string }): Promise<void> {
  const actor = apiActor(principal);
  const read = await authorize(actor, "read", environment, deps.access);
  if (!read.allowed) throw notFound(environment.name ? `there is no environment ${environment.name} in ${environment.repository} that you can see` : `there is no repository ${environment.repository} that you can see`);
  if (action === "read") return;
  const decision = await authorize(actor, action, environment, deps.access);
  if (decision.allowed) return;
  if (decision.reason === "needs-write") throw forbidden(`${action} needs write permission on ${environment.repository}; ${principal.login} has ${decision.permission}`);
  throw forbidden(`${action} is not allowed here (${decision.reason})`);
}
