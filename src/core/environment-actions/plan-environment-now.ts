import type { Actor } from "../authorization/actor.js";
import { applyPlan, planEnvironment, type ApplyOutcome, type EngineDeps, type PlanOutcome } from "../engine/index.js";
import { findDefinitionFiles } from "../repository/index.js";
import type { PlanSummary } from "../planning/index.js";
import type { Environment } from "../environment/index.js";
import { queuedJob, type EnvbotJob } from "../jobs/envbot-job.js";
import type { JobQueue, RepoFiles } from "../ports/index.js";
import type { ResolvedConfig } from "../config/repository-config.js";
import { formatDiagnosticLine } from "../diagnostics/index.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import { validateEnvironments, type SchemaCompiler } from "../validation/index.js";
import type { Action } from "../authorization/authorize.js";
import { auditDone, authorizeAndAudit, type ActionOutcome, type ActionScene, type EnvironmentActionDeps, type Failure } from "./environment-action-deps.js";
import { requestProblems } from "./definition-problems.js";

/** An environment's definition at a revision, validated; or why it cannot be planned. */
export async function loadDefinedEnvironment(
  files: RepoFiles,
  name: string,
  options: { now: Date; compileSchemas?: SchemaCompiler },
): Promise<{ ok: true; environment: Environment; config: ResolvedConfig } | { ok: false; reason: "not-found" | "invalid"; detail: string; problems?: string[] }> {
  const found = await findDefinitionFiles(files, name);
  if (found.length === 0) return { ok: false, reason: "not-found", detail: `there is no definition of ${name}` };
  const documents = [];
  for (const file of found) {
    const content = await files.readFile(file, MAX_YAML_FILE_BYTES);
    if (content) documents.push({ file, content });
  }
  const report = await validateEnvironments({ repo: files, documents, definitions: files, now: options.now, compileSchemas: options.compileSchemas });
  const environment = report.environments.find((e) => e.name === name);
  if (report.diagnostics.length > 0 || !environment) {
    const problems = report.diagnostics.map(formatDiagnosticLine);
    return { ok: false, reason: "invalid", detail: `the definition of ${name} is not valid: ${problems.join("; ")}`, problems };
  }
  return { ok: true, environment, config: report.config };
}

/**
 * An action on an environment as defined on the default branch: authorized (a refusal audited),
 * its definition there found and valid; a missing one is not found, an invalid one a conflict.
 */
export async function authorizeDefinedEnvironment(
  deps: EnvironmentActionDeps,
  actor: Actor,
  action: Action,
  target: { repository: string; name: string },
): Promise<{ ok: true; scene: ActionScene; environment: Environment } | Failure> {
  const { repository, name } = target;
  const authorized = await authorizeAndAudit(deps, actor, action, target);
  if (authorized.refused) return authorized.refused;
  const { base, files } = authorized.scene;
  const loaded = await loadDefinedEnvironment(files, name, { now: deps.now(), compileSchemas: deps.compileSchemas });
  if (loaded.ok) return { ok: true, scene: authorized.scene, environment: loaded.environment };
  if (loaded.reason === "not-found") return { ok: false, reason: "not-found", detail: `${repository} has no definition of ${name} on ${base}` };
  return { ok: false, reason: "conflict", detail: `${loaded.detail} (fix it on ${base} first)` };
}

/**
 * "Plan now" from the control plane or the bus (or "apply now", from the bus alone): checks the
 * actor may, and that the definition on the default branch is valid (so a mistake is answered at
 * once, not found in a log later), then queues the run as a job; its run shows up in the
 * environment's runs, its log live.
 */
export async function requestPlan(
  deps: EnvironmentActionDeps & { queue: Pick<JobQueue, "enqueue"> },
  input: { repository: string; name: string; actor: Extract<Actor, { kind: "api" | "amqp" }>; installation: number; apply?: true },
): Promise<ActionOutcome<{ queued: true; defaultBranch: string }>> {
  const { repository, name, actor } = input;
  const action = input.apply ? "apply" : "plan";
  const defined = await authorizeDefinedEnvironment(deps, actor, action, { repository, name });
  if (!defined.ok) return defined;
  const { base } = defined.scene;
  const job: EnvbotJob = { kind: input.apply ? "apply-environment" : "plan-environment", installation: input.installation, repository, defaultBranch: base, environment: name, actor };
  await deps.queue.enqueue(queuedJob(job));
  await auditDone(deps, actor, action, { repository, name }, "queued");
  return { ok: true, value: { queued: true, defaultBranch: base } };
}

/** The queued plan itself: the definition and templates at the default branch's head commit. */
export async function planDefinedEnvironment(
  deps: EngineDeps & { compileSchemas?: SchemaCompiler },
  input: { repository: string; files: RepoFiles; commit: string; name: string; actor: Actor; signal?: AbortSignal; onOutput?: (line: string) => void; mayRetry?: (error: unknown) => boolean },
): Promise<PlanOutcome | { ok: false; reason: "not-found" | "invalid"; detail: string }> {
  const loaded = await loadDefinedEnvironment(input.files, input.name, { now: deps.now(), compileSchemas: deps.compileSchemas });
  if (!loaded.ok) return loaded;
  return planEnvironment(
    deps,
    { repository: input.repository, commit: input.commit, actor: input.actor, templateFiles: input.files, config: loaded.config, signal: input.signal, onOutput: input.onOutput, mayRetry: input.mayRetry },
    loaded.environment,
  );
}

export { requestProblems };

/**
 * An immediate destroy the policy granted (policy.actions.destroyNow), or an apply or destroy
 * the server granted the bus, or a revert of drift: the definition and templates at the default
 * branch's head. Done, it says what its plan changed (`summary`).
 */
export async function applyDefinedEnvironment(
  deps: EngineDeps & { compileSchemas?: SchemaCompiler },
  input: { repository: string; files: RepoFiles; commit: string; name: string; actor: Actor; signal?: AbortSignal; onOutput?: (line: string) => void; mayRetry?: (error: unknown) => boolean },
  effect: "apply" | "destroy",
): Promise<(Extract<ApplyOutcome, { ok: true }> & { summary: PlanSummary }) | Exclude<ApplyOutcome | PlanOutcome, { ok: true }> | { ok: false; reason: "not-found" | "invalid"; detail: string }> {
  const loaded = await loadDefinedEnvironment(input.files, input.name, { now: deps.now(), compileSchemas: deps.compileSchemas });
  if (!loaded.ok) return loaded;
  const context = { repository: input.repository, commit: input.commit, actor: input.actor, templateFiles: input.files, config: loaded.config, signal: input.signal, onOutput: input.onOutput, mayRetry: input.mayRetry };
  const planned = await planEnvironment(deps, context, loaded.environment, effect === "destroy" ? "destroy" : "normal");
  if (!planned.ok) return planned;
  const applied = await applyPlan(deps, context, loaded.environment, planned);
  return applied.ok ? { ...applied, summary: planned.plan.summary } : applied;
}
