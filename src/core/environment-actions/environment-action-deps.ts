import type { Actor } from "../authorization/actor.js";
import { actorSource, actorText } from "../authorization/actor.js";
import { authorize, type AccessPolicy, type Action, type Decision } from "../authorization/authorize.js";
import type { ResolvedConfig } from "../config/repository-config.js";
import { policyTargetOf, type PolicyTarget } from "../policy/index.js";
import type { RepoFiles, RepositoryChanges, Store } from "../ports/index.js";
import { readRepositoryConfig } from "../validation/index.js";
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
    case "policy":
    case "policy-unreadable":
    case "not-granted":
      return decision.detail;
  }
}

/** The default branch an action reads, its files and its .github/envbot.yml. */
export interface ActionScene {
  base: string;
  files: RepoFiles;
  config: ResolvedConfig;
}

/**
 * Reads the default branch's policy, authorizes `action` by it (the environment's owner,
 * template and protection as envbot last planned it, unless the request names them) and writes
 * the audit entry of a refusal. Returns the failure to give back, or the scene to go on with.
 */
export async function authorizeAndAudit(
  deps: EnvironmentActionDeps,
  actor: Actor,
  action: Action,
  target: { repository: string; name?: string } & PolicyTarget,
): Promise<{ refused: Failure } | { refused?: undefined; scene: ActionScene }> {
  const base = await deps.changes.defaultBranch(target.repository);
  const files = deps.changes.filesAt(target.repository, base);
  const { config } = await readRepositoryConfig(files);
  const record = target.name !== undefined ? await deps.store.getEnvironment(target.repository, target.name) : undefined;
  const known = policyTargetOf(record);
  const decision = await authorize(actor, action, { ...known, ...withoutUndefined(target), repository: target.repository }, deps.policy, config);
  if (decision.allowed) return { scene: { base, files, config } };
  const detail = refusalText(actor, action, target.repository, decision);
  await deps.store.recordAudit({ actor: actorText(actor), source: actorSource(actor), action, repository: target.repository, environment: target.name, outcome: "refused", detail });
  return { refused: { ok: false, reason: "refused", detail } };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Records what an allowed action did. */
export async function auditDone(deps: Pick<EnvironmentActionDeps, "store">, actor: Actor, action: Action, target: { repository: string; name?: string }, outcome: string, detail?: string): Promise<void> {
  await deps.store.recordAudit({ actor: actorText(actor), source: actorSource(actor), action, repository: target.repository, environment: target.name, outcome, detail });
}

/** "envbot/extend-checkout-20261202081512": unique per second, readable in the branch list. */
export function proposalBranch(kind: string, environment: string, now: Date): string {
  return `envbot/${kind}-${environment}-${now.toISOString().slice(0, 19).replace(/\D/g, "")}`;
}
