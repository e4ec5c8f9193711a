import type { Actor } from "../authorization/actor.js";
import { actorText } from "../authorization/actor.js";
import { findDefinitionFiles } from "../repository/index.js";
import { queuedJob } from "../jobs/envbot-job.js";
import type { JobQueue } from "../ports/index.js";
import { auditDone, authorizeAndAudit, proposalBranch, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";

/**
 * Asks for an environment's destruction the way Git stays the truth: opens a pull request that
 * removes its definition; merging it destroys the environment.
 */
export async function proposeDestroy(
  deps: EnvironmentActionDeps & { queue?: Pick<JobQueue, "enqueue"> },
  input: { repository: string; name: string; actor: Actor; immediate?: { installation: number } },
): Promise<ActionOutcome<{ pullRequest: { number: number; url: string; branch: string }; files: string[]; destroying: boolean }>> {
  const { repository, name, actor, immediate } = input;
  const authorized = await authorizeAndAudit(deps, actor, immediate ? "destroy-now" : "destroy", { repository, name });
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
  if (immediate) {
    if (!deps.queue) throw new Error("an immediate destroy needs the job queue");
    // Destroyed now; the pull request brings Git in line, and its merge finds it destroyed already.
    await deps.queue.enqueue(queuedJob({ kind: "destroy-environment", installation: immediate.installation, repository, defaultBranch: base, environment: name, actor }));
  }
  await auditDone(deps, actor, immediate ? "destroy-now" : "destroy", { repository, name }, immediate ? `queued; pull-request #${pullRequest.number}` : `pull-request #${pullRequest.number}`);
  return { ok: true, value: { pullRequest, files: found, destroying: immediate !== undefined } };
}
