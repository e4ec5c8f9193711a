import type { Environment } from "../environment/index.js";
import type { PlanMode } from "../planning/index.js";
import type { EnvironmentChange, EnvironmentRecord, RunKind } from "../ports/index.js";
import type { Redact } from "../secrets/redactor.js";
import { about, auditOf, eventAbout, runStart } from "./operation-records.js";
import { hourlyPrice } from "../planning/index.js";
import { changeCounts, domainEvent } from "../events/domain-event.js";
import type { EngineDeps, OperationContext } from "./engine-deps.js";
import { describeFailure, interruptedIfHandedOn } from "./describe-failure.js";
import { leasedOperation } from "./environment-lease.js";
import type { PlanOutcome } from "./operation-result.js";
import { prepareRunInputs, type RunInputs } from "./run-inputs.js";
import { provideCertificates } from "../certificates/provide-certificates.js";
import { runLogWriter, type RunLogWriter } from "./run-log-writer.js";
import { redactStrings } from "../secrets/redact-strings.js";
import { sensitiveInputRunValues, upstreamInputs, valuesOf } from "./upstream-inputs.js";
import { expiryOf, standardTags, wholeSeconds } from "./standard-tags.js";

/**
 * Plans one environment and records the run. The plan is a value: applying it is a separate
 * step (applyPlan), so what is applied is exactly what was reviewed.
 */
export async function planEnvironment(
  deps: EngineDeps,
  context: OperationContext,
  environment: Environment,
  mode: PlanMode = "normal",
  runKind: RunKind = "plan",
): Promise<PlanOutcome> {
  return leasedOperation(deps, context, environment, runKind, () => planLeased(deps, context, environment, mode, runKind));
}

async function planLeased(deps: EngineDeps, context: OperationContext, environment: Environment, mode: PlanMode, runKind: RunKind): Promise<PlanOutcome> {
  const { store, terraform, now } = deps;
  const existing = await store.getEnvironment(context.repository, environment.name);
  const run = await store.startRun(runStart(context, environment, runKind));
  const log = runLogWriter(store, run.id);

  let redact: Redact = (text) => text;
  let inputs: RunInputs | undefined;
  try {
    const certificates = await provideCertificates({ store, issuer: deps.certificates, now, repository: context.repository, environment, issue: mode === "destroy" ? "when-missing" : "when-due", onOutput: withRunLog(log, context.onOutput) });
    const taken = await upstreamInputs(store, context.repository, environment, context.plannedUpstreams);
    const sensitive = sensitiveInputRunValues(taken.sensitive);
    // What its state holds of others' sensitive outputs since its last apply: hidden too.
    const held = sensitiveInputRunValues(valuesOf(await store.getSensitiveValues(context.repository, environment.name, "input")));
    inputs = await prepareRunInputs(deps, context, environment, { id: run.id, phase: runKind === "drift" ? "drift" : "plan" }, {
      variables: { ...certificates.variables, ...sensitive.variables },
      secrets: [...certificates.secrets, ...sensitive.secrets, ...held.secrets],
    });
    redact = inputs.redact;
    // ttl counts from the first apply: an environment never applied counts from now, and the
    // first apply records this same moment, so later plans compute the same expires-at tag.
    const basis = lifetimeBasis(environment, existing) ?? wholeSeconds(now());
    const expiresAt = expiryOf(environment.lifetime, basis);
    const planOnly = await terraform.plan(
      {
        repository: context.repository,
        environment,
        variables: { ...environment.template.variables.defaults, ...environment.variables, ...taken.values, ...inputs.config },
        sensitiveInputs: Object.keys(taken.sensitive),
        tags: standardTags({ environment, repository: context.repository, expiresAt }),
        state: context.config.state,
        templateFiles: context.templateFiles,
        mode,
        // A drift check lists every change made outside Terraform; a plan, like Terraform's own
        // output, only those that matter to what it changes.
        driftDetail: runKind === "drift" ? "all" : "relevant",
      },
      {
        secrets: inputs.secrets,
        ...(inputs.cloud && { cloudEnv: inputs.cloud.env }),
        redact,
        signal: context.signal,
        onOutput: withRunLog(log, context.onOutput),
        ...(context.onPlanPreview && { onPreview: (preview) => context.onPlanPreview!({ summary: redactStrings(preview.summary, redact), text: redact(preview.text) }) }),
      },
    );
    // What it costs while it exists: the template's declared price, else the runner's (Infracost's), else an estimate over what the plan holds.
    const plan = {
      ...planOnly,
      summary: {
        // Terraform masks what it knows is sensitive; a template may put a secret where it does not.
        ...redactStrings(planOnly.summary, redact),
        cost: hourlyPrice(environment.template, Object.keys(planOnly.summary.dependencies ?? {}), planOnly.summary.cost),
        ...(Object.keys(taken.recorded).length > 0 && { inputs: taken.recorded }),
      },
    };
    await log.close();
    // A new (or destroyed) environment becomes "planned" once a plan of it succeeded.
    if (mode === "normal" && (!existing || existing.status === "destroyed")) {
      await store.upsertEnvironment({ ...recordOf(context.repository, environment, existing), status: "planned" });
    }
    const planned = runKind === "plan" && !context.hibernation ? [domainEvent({ type: "planned", ...eventAbout(context, environment), runId: run.id, changes: changeCounts(plan.summary) }, now())] : [];
    const finished = await store.finishRun(run.id, { outcome: "succeeded", summary: JSON.stringify(plan.summary), logExcerpt: plan.log, audit: auditOf(context, inputs?.auditDetail) }, planned);
    return { ok: true, run: finished, plan, expiresAt, basis, ...(Object.keys(taken.sensitive).length > 0 && { sensitiveInputs: taken.sensitive }) };
  } catch (error) {
    await log.close();
    const failure = interruptedIfHandedOn(describeFailure(error, redact), context.signal);
    const failed = runKind === "plan" && failure.outcome === "failed" ? [domainEvent({ type: "plan-failed", ...eventAbout(context, environment), runId: run.id, reason: failure.reason }, now())] : [];
    // A failure the caller runs again is no news yet: no event, and thrown rather than reported.
    const retried = failure.outcome === "failed" && context.mayRetry?.(error) === true;
    const finished = await store.finishRun(run.id, { outcome: failure.outcome, error: failure.message, logExcerpt: failure.log, audit: auditOf(context, inputs?.auditDetail) }, retried ? [] : failed);
    if (failure.unexpected || retried) throw error;
    return { ok: false, run: finished, reason: failure.reason, details: failure.details };
  }
}


/**
 * What a plan or apply of `environment` writes besides its status: the definition's current
 * template and owner. A destroyed environment starts afresh: its earlier marks are cleared.
 * Everything else stays as other writers (the reconciler) left it.
 */
export function recordOf(repository: string, environment: Environment, existing: EnvironmentRecord | undefined): EnvironmentChange {
  const afresh =
    existing?.status === "destroyed" ? { firstAppliedAt: undefined, expiresAt: undefined, expiryWarnedFor: undefined, driftFingerprint: undefined, outputs: undefined, defaultTtlSince: undefined } : {};
  return {
    repository,
    name: environment.name,
    template: environment.template.name,
    owner: environment.owner,
    description: environment.description,
    labels: { ...environment.labels },
    definition: environment.definition as unknown as Record<string, unknown>,
    ...afresh,
  };
}

/** Terraform's lines go to the run's kept log, and to the caller's progress as before. */
export function withRunLog(log: RunLogWriter, onOutput: ((line: string) => void) | undefined): (line: string) => void {
  return (line) => {
    log.push(line);
    onOutput?.(line);
  };
}

/**
 * Where an environment's lifetime counts from, when it has started: its first apply; for the
 * repository's default ttl, the first apply that gave it (an environment that was long-lived
 * before the default was set starts counting then, not years ago). A destroyed one starts afresh.
 */
export function lifetimeBasis(environment: Pick<Environment, "lifetime">, record: EnvironmentRecord | undefined): Date | undefined {
  if (!record || record.status === "destroyed") return undefined;
  return environment.lifetime.kind === "ttl" && environment.lifetime.defaulted ? record.defaultTtlSince : record.firstAppliedAt;
}
