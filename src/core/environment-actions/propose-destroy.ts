import type { Actor } from "../authorization/actor.js";
import { actorText } from "../authorization/actor.js";
import { findDefinitionFiles } from "../environment/index.js";
import { auditDone, authorizeAndAudit, proposalBranch, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";

/**
 * Asks for an environment's destruction the way Git stays the truth: opens a pull request that
 * removes its definition; merging it destroys the environment.
 */
export async function proposeDestroy(
  deps: EnvironmentActionDeps,
  input: { repository: string; name: string; actor: Actor },
): Promise<ActionOutcome<{ pullRequest: { number: number; url: string; branch: string }; files: string[] }>> {
  const { repository, name, actor } = input;
  const authorized = await authorizeAndAudit(deps, actor, "destroy", { repository, name });
  if (authorized.refused) return authorized.refused;
  const { base, files } = authorized.scene;
  const found = await findDefinitionFiles(files, name);
  if (found.length === 0) return { ok: false, reason: "not-found", detail: `${repository} has no definition of ${name} on ${base}` };
  const pullRequest = await deps.changes.propose({
    repository,
    base,
    branch: proposalBranch("destroy", name, deps.now()),
    // Every file of the name: a second one would otherwise keep the environment alive.
    files: Object.fromEntries(found.map((file) => [file, null])),
    reason: { kind: "destroy", environment: name, requestedBy: actorText(actor), file: found.join(", ") },
  });
  await auditDone(deps, actor, "destroy", { repository, name }, `pull-request #${pullRequest.number}`);
  return { ok: true, value: { pullRequest, files: found } };
}
