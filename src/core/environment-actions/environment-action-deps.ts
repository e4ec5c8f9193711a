import type { Actor } from "../authorization/actor.js";
import { actorText } from "../authorization/actor.js";
import { authorize, type AccessPolicy, type Action, type Decision } from "../authorization/authorize.js";
import type { RepositoryChanges, Store } from "../ports.js";
import type { SchemaCompiler } from "../validation/index.js";

/** What the control plane's actions on environments work through. */
export interface EnvironmentActionDeps {
  store: Store;
  policy: AccessPolicy;
  changes: RepositoryChanges;
  now: () => Date;
  compileSchemas?: SchemaCompiler;
}

/** One input the action could not take, named by the field of the request it came from. */
export interface ActionProblem {
  field: string;
  message: string;
}

export type ActionOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; reason: "refused"; detail: string }
  | { ok: false; reason: "invalid"; problems: ActionProblem[] }
  | { ok: false; reason: "not-found"; detail: string }
  | { ok: false; reason: "conflict"; detail: string };

export type Failure = Exclude<ActionOutcome<never>, { ok: true }>;

/** The way in, as the audit trail names it. */
export function sourceOf(actor: Actor): string {
  if (actor.kind === "api") return actor.via === "token" ? "api-token" : "api";
  return actor.kind;
}

/** Why authorize said no, in words. */
export function refusalText(actor: Actor, action: Action, repository: string, decision: Exclude<Decision, { allowed: true }>): string {
  switch (decision.reason) {
    case "needs-write":
      return `${action} needs write permission on ${repository}; ${actorText(actor)} has ${decision.permission}`;
    case "needs-read":
      return `${actorText(actor)} cannot see ${repository}`;
    case "outside-token-scope":
      return `this API token is not for ${repository}`;
    case "fork":
      return "code from a fork never runs with the server's credentials";
  }
}

/**
 * Authorizes `action` and writes the audit entry of the attempt: a refusal is recorded as
 * refused, with the reason. Returns the failure to give back, or undefined when allowed.
 */
export async function authorizeAndAudit(deps: EnvironmentActionDeps, actor: Actor, action: Action, target: { repository: string; name?: string }): Promise<Failure | undefined> {
  const decision = await authorize(actor, action, target, deps.policy);
  if (decision.allowed) return undefined;
  const detail = refusalText(actor, action, target.repository, decision);
  await deps.store.recordAudit({ actor: actorText(actor), source: sourceOf(actor), action, repository: target.repository, environment: target.name, outcome: "refused", detail });
  return { ok: false, reason: "refused", detail };
}

/** Records what an allowed action did. */
export async function auditDone(deps: EnvironmentActionDeps, actor: Actor, action: Action, target: { repository: string; name?: string }, outcome: string, detail?: string): Promise<void> {
  await deps.store.recordAudit({ actor: actorText(actor), source: sourceOf(actor), action, repository: target.repository, environment: target.name, outcome, detail });
}

/** "envbot/extend-checkout-20261202081512": unique per second, readable in the branch list. */
export function proposalBranch(kind: string, environment: string, now: Date): string {
  return `envbot/${kind}-${environment}-${now.toISOString().slice(0, 19).replace(/\D/g, "")}`;
}
