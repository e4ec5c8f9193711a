import type { Permission } from "../ports/index.js";
import type { ResolvedConfig } from "../config/repository-config.js";
import { decideByPolicy, type GovernedAction, type PolicyTarget, type TeamMembership } from "../policy/index.js";
import type { Actor } from "./actor.js";

/**
 * What an actor asks to do. `run-head-templates`: have the Terraform code of a pull request's
 * head run (the trust model; otherwise its templates come from the default branch).
 */
export type Action = "read" | "plan" | "apply" | "destroy" | "destroy-now" | "extend" | "wake" | "revert" | "adopt" | "request" | "unlock" | "run-head-templates";

/** The permission could not be learnt now (GitHub out of reach): nothing is decided, the caller may try again. */
export class PermissionUnavailableError extends Error {
  override name = "PermissionUnavailableError";
}

/** Where the rules get what they decide on: a login's repository permission and its teams. */
export interface AccessPolicy extends TeamMembership {
  permissionOf(repository: string, login: string): Promise<Permission>;
  /**
   * What the server lets commands from the AMQP queue do: whose (the broker users,
   * ENVBOT_AMQP_USERS), which actions (ENVBOT_AMQP_ALLOW) on which repositories
   * (ENVBOT_AMQP_REPOSITORIES); nothing when absent.
   */
  amqpGrant?: { users: readonly string[]; actions: readonly Action[]; repositories: readonly string[] };
}

export type Decision =
  | { allowed: true }
  | { allowed: false; reason: "needs-write"; permission: Permission }
  | { allowed: false; reason: "needs-read" }
  /** An API token acting outside the repositories it was created for. */
  | { allowed: false; reason: "outside-token-scope" }
  /** The repository's policy (.github/envbot.yml) keeps this for others, or cannot be read. */
  | { allowed: false; reason: "policy" | "policy-unreadable"; detail: string }
  | { allowed: false; reason: "fork" }
  /** The server's grant to the AMQP command queue does not reach this. */
  | { allowed: false; reason: "not-granted"; detail: string };

/** Whether a permission lets its holder see the repository (and so its environments). */
export function canRead(permission: Permission): boolean {
  return permission !== "none";
}

/** Whether a permission lets its holder push: who may run commands and have their templates run. */
export function canWrite(permission: Permission): boolean {
  return permission === "admin" || permission === "maintain" || permission === "write";
}

/**
 * The one place that decides who may do what, for every access path. On GitHub an action needs
 * write permission on the repository, then whatever the repository's policy (`rules`) adds for
 * it (teams, the owner, protected environments), and a fork's code never runs; through the
 * API, seeing needs read permission and acting write, and a token stays within its repositories
 * (and its creator's permission, checked now, not when it was made); the CLI
 * (its user owns the machine and the data directory) and the reconciler (it only destroys what
 * expired and checks drift) may do what they ask.
 */
export async function authorize(
  actor: Actor,
  action: Action,
  environment: { repository: string } & PolicyTarget,
  policy: AccessPolicy,
  /** The repository's .github/envbot.yml (default branch): its policy rules apply when given. */
  rules?: ResolvedConfig,
): Promise<Decision> {
  switch (actor.kind) {
    case "cli":
    case "reconciler":
      return { allowed: true };
    case "pull-request": {
      if (action === "run-head-templates" && actor.fork) return { allowed: false, reason: "fork" };
      const permission = await policy.permissionOf(environment.repository, actor.login);
      if (!canWrite(permission)) return { allowed: false, reason: "needs-write", permission };
      return byPolicy(actor.login, action, environment, policy, rules);
    }
    case "amqp":
      return byServerGrant(actor.user, action, environment, policy.amqpGrant);
    case "api": {
      if (actor.repositories !== undefined && !includesRepository(actor.repositories, environment.repository)) return { allowed: false, reason: "outside-token-scope" };
      const permission = await policy.permissionOf(environment.repository, actor.login);
      if (action === "read") return canRead(permission) ? { allowed: true } : { allowed: false, reason: "needs-read" };
      if (action === "run-head-templates") return { allowed: false, reason: "fork" };
      if (!canWrite(permission)) return { allowed: false, reason: "needs-write", permission };
      return byPolicy(actor.login, action, environment, policy, rules);
    }
  }
}

/**
 * The bus is no GitHub login, so no rule of the repository names it: the server's grant to the
 * command's broker user (its user_id, which the broker checked) is its whole right, and a
 * protected environment is never applied or destroyed from it.
 */
function byServerGrant(user: string | undefined, action: Action, environment: { repository: string } & PolicyTarget, grant: AccessPolicy["amqpGrant"]): Decision {
  if (user === undefined) {
    return { allowed: false, reason: "not-granted", detail: "a command names its sender in the user_id property (the broker checks it against the connection's user); this one has none" };
  }
  if (!grant?.users.includes(user)) return { allowed: false, reason: "not-granted", detail: `this server does not take AMQP commands from the broker user ${user} (ENVBOT_AMQP_USERS)` };
  if (!includesRepository(grant.repositories, environment.repository)) {
    return { allowed: false, reason: "not-granted", detail: `this server does not let AMQP commands act on ${environment.repository} (ENVBOT_AMQP_REPOSITORIES)` };
  }
  if (action === "read") return { allowed: true };
  if (!grant.actions.includes(action)) return { allowed: false, reason: "not-granted", detail: `this server does not let AMQP commands ${action} (ENVBOT_AMQP_ALLOW)` };
  if (environment.protected && (action === "apply" || action === "destroy" || action === "destroy-now")) {
    return { allowed: false, reason: "not-granted", detail: `${environment.name ?? "the environment"} is protected: it is never ${action === "apply" ? "applied" : "destroyed"} from the message bus` };
  }
  return { allowed: true };
}

/** Whether `repository` is among `repositories`: GitHub's names are case-insensitive (an operator may write a grant in another case). */
function includesRepository(repositories: readonly string[], repository: string): boolean {
  const wanted = repository.toLowerCase();
  return repositories.some((r) => r.toLowerCase() === wanted);
}

const GOVERNED: ReadonlySet<Action> = new Set(["plan", "unlock", "extend", "wake", "revert", "adopt", "destroy", "destroy-now", "request"]);

async function byPolicy(login: string, action: Action, target: PolicyTarget, membership: TeamMembership, rules: ResolvedConfig | undefined): Promise<Decision> {
  // An immediate destroy bypasses Git: never without a policy that grants it.
  if (action === "destroy-now" && !rules) return { allowed: false, reason: "policy", detail: "an immediate destroy needs the repository's policy (policy.actions.destroyNow)" };
  if (!rules || !GOVERNED.has(action)) return { allowed: true };
  const decision = await decideByPolicy(login, action as GovernedAction, target, rules, membership);
  return decision.allowed ? decision : { allowed: false, reason: decision.reason, detail: decision.detail };
}
