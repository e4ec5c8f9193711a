import type { Actor } from "../authorization/actor.js";
import { authorize } from "../authorization/authorize.js";
import type { ResolvedConfig } from "../config/repository-config.js";
import { sameLockHolder } from "../locking/lock-holder.js";
import { policyTargetOf } from "../policy/index.js";
import type { LockRecord } from "../ports/index.js";
import { auditDone, authorizeAndAudit, refusalText, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";

/**
 * Releases an environment's lock, whoever holds it (a pull request left open, the CLI): what
 * `/envbot unlock` does from the holding pull request, for someone outside it.
 */
export async function unlockEnvironment(
  deps: EnvironmentActionDeps,
  input: { repository: string; name: string; actor: Actor },
): Promise<ActionOutcome<{ released?: LockRecord }>> {
  const { repository, name, actor } = input;
  const authorized = await authorizeAndAudit(deps, actor, "unlock", { repository, name });
  if (authorized.refused) return authorized.refused;
  const lock = (await deps.store.listLocks(repository)).find((l) => l.environment === name);
  const released = lock !== undefined && (await deps.store.releaseLock(repository, name, lock.holder)) ? lock : undefined;
  await auditDone(deps, actor, "unlock", { repository, name }, released ? "released" : "not locked", released?.holder.kind === "pull-request" ? `held by pull request #${released.holder.number}` : undefined);
  return { ok: true, value: { released } };
}

/** What `/envbot unlock [NAME]` did with each lock of its pull request. */
export interface PullRequestUnlock {
  released: string[];
  /** Locks the commenter may not release, with the rule that keeps each. */
  refused: { environment: string; reason: string }[];
}

/**
 * `/envbot unlock [NAME]` in pull request `number`: each lock the pull request holds (or only
 * NAME's) is authorized on its own, by the environment's owner, template and protection as
 * envbot last planned it, so releasing them all never releases one (a protected environment's)
 * that a named unlock would be refused. A refused lock stays.
 */
export async function unlockPullRequestLocks(
  deps: Pick<EnvironmentActionDeps, "store" | "policy">,
  input: { repository: string; number: number; actor: Actor; config: ResolvedConfig; only?: string },
): Promise<PullRequestUnlock> {
  const { repository, actor } = input;
  const result: PullRequestUnlock = { released: [], refused: [] };
  const held = (await deps.store.listLocks(repository)).filter(
    (lock) => sameLockHolder(lock.holder, { kind: "pull-request", number: input.number }) && (input.only === undefined || lock.environment === input.only),
  );
  for (const lock of held) {
    const target = { repository, name: lock.environment };
    const decision = await authorize(actor, "unlock", { ...target, ...policyTargetOf(await deps.store.getEnvironment(repository, lock.environment)) }, deps.policy, input.config);
    if (!decision.allowed) {
      const reason = refusalText(actor, "unlock", repository, decision);
      await auditDone(deps, actor, "unlock", target, "refused", reason);
      result.refused.push({ environment: lock.environment, reason });
    } else if (await deps.store.releaseLock(repository, lock.environment, lock.holder)) {
      await auditDone(deps, actor, "unlock", target, "released", `held by pull request #${input.number}`);
      result.released.push(lock.environment);
    }
  }
  return result;
}
