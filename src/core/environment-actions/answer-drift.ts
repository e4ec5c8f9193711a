import type { Actor } from "../authorization/actor.js";
import type { Action } from "../authorization/authorize.js";
import type { EngineDeps } from "../engine/index.js";
import type { PlanSummary } from "../planning/index.js";
import { domainEvent } from "../events/domain-event.js";
import { queuedJob, type DriftAnswer } from "../jobs/envbot-job.js";
import type { JobQueue, RepoFiles } from "../ports/index.js";
import type { SchemaCompiler } from "../validation/index.js";
import { actorText } from "../authorization/actor.js";
import { auditDone, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";
import { applyDefinedEnvironment, authorizeDefinedEnvironment } from "./plan-environment-now.js";

/** Who may ask for each answer: seeing the revert's plan is a plan; applying it and adopting are rules of their own. */
const AUTHORIZED_AS: Record<DriftAnswer, Action> = { "plan-revert": "plan", revert: "revert", adopt: "adopt" };

/**
 * Answers drift from its issue or the control plane: `plan-revert` plans the definition on the
 * default branch (what reverting would do), `revert` applies it (at `commit` when the plan shown
 * was of that commit), `adopt` opens a pull request that writes the drifted values into the
 * definition. Authorized and audited here; the work itself is a queued job.
 */
export async function requestDriftAnswer(
  deps: EnvironmentActionDeps & { queue: Pick<JobQueue, "enqueue"> },
  input: { repository: string; name: string; actor: Actor; installation: number; answer: DriftAnswer; issue?: number; commit?: string },
): Promise<ActionOutcome<{ queued: true; defaultBranch: string }>> {
  const { repository, name, actor, answer } = input;
  const action = AUTHORIZED_AS[answer];
  const defined = await authorizeDefinedEnvironment(deps, actor, action, { repository, name });
  if (!defined.ok) return defined;
  const { base } = defined.scene;
  const record = await deps.store.getEnvironment(repository, name);
  if (!record || record.firstAppliedAt === undefined || record.status === "destroyed") return { ok: false, reason: "not-found", detail: `${name} is not applied in ${repository}` };
  // Asleep, its drift is judged against its sleeping form: applying the definition would wake it.
  if (record.hibernatedAt !== undefined) return { ok: false, reason: "conflict", detail: `${name} sleeps outside its awake hours; wake it first (/envbot wake ${name})` };
  await deps.queue.enqueue(
    queuedJob({
      kind: "answer-drift",
      answer,
      installation: input.installation,
      repository,
      defaultBranch: base,
      environment: name,
      actor,
      ...(input.issue !== undefined && { issue: input.issue }),
      ...(input.commit !== undefined && { commit: input.commit }),
    }),
  );
  await auditDone(deps, actor, action, { repository, name }, "queued", answer === "plan-revert" ? "revert plan" : answer);
  return { ok: true, value: { queued: true, defaultBranch: base } };
}

/**
 * Reverts drift: applies the environment as defined at `commit` (what its drift check compares
 * with), then records its drift as resolved by the one who asked.
 */
export async function revertDrift(
  deps: EngineDeps & { compileSchemas?: SchemaCompiler },
  input: { repository: string; files: RepoFiles; commit: string; name: string; actor: Actor; signal?: AbortSignal; onOutput?: (line: string) => void; mayRetry?: (error: unknown) => boolean },
): Promise<{ ok: true; summary: PlanSummary } | { ok: false; reason: string; details?: string }> {
  const applied = await applyDefinedEnvironment(deps, input, "apply");
  if (!applied.ok) return "detail" in applied ? { ok: false, reason: applied.detail } : applied;
  const record = await deps.store.getEnvironment(input.repository, input.name);
  if (record?.driftFingerprint !== undefined) {
    const resolved = domainEvent({ type: "drift-resolved", repository: input.repository, environment: input.name, actor: actorText(input.actor) }, deps.now());
    await deps.store.upsertEnvironment({ repository: input.repository, name: input.name, driftFingerprint: undefined }, [resolved]);
  }
  return { ok: true, summary: applied.summary };
}
