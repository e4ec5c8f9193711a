import type { Actor } from "../authorization/actor.js";
import type { LockRecord } from "../ports.js";
import { auditDone, authorizeAndAudit, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";

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
