import type { Environment } from "../environment/index.js";
import type { EngineDeps, OperationContext } from "./engine-deps.js";
import { describeFailure, interruptedIfHandedOn } from "./describe-failure.js";
import { leasedOperation } from "./environment-lease.js";
import type { ApplyOutcome, PlanOutcome } from "./operation-result.js";
import { recordOf, withRunLog } from "./plan-environment.js";
import { runLogWriter } from "./run-log-writer.js";
import { about, auditOf, eventAbout, runStart } from "./operation-records.js";
import { redactStrings } from "../secrets/redact-strings.js";
import { sensitiveInputRunValues } from "./upstream-inputs.js";
import { changeCounts, domainEvent } from "../events/domain-event.js";
import { prepareRunInputs, type RunInputs } from "./run-inputs.js";
import { provideCertificates } from "../certificates/provide-certificates.js";
import { TerraformError } from "../terraform/index.js";

/**
 * Applies a plan made by planEnvironment: creates, changes or (for a destroy plan) removes the
 * environment, and keeps its record and run history in step.
 */
export async function applyPlan(
  deps: EngineDeps,
  context: OperationContext,
  environment: Environment,
  planned: Extract<PlanOutcome, { ok: true }>,
): Promise<ApplyOutcome> {
  const kind = planned.plan.summary.mode === "destroy" ? "destroy" : "apply";
  return leasedOperation(deps, context, environment, kind, () => applyLeased(deps, context, environment, planned));
}

async function applyLeased(deps: EngineDeps, context: OperationContext, environment: Environment, planned: Extract<PlanOutcome, { ok: true }>): Promise<ApplyOutcome> {
  const { store } = deps;
  const destroying = planned.plan.summary.mode === "destroy";
  const existing = await store.getEnvironment(context.repository, environment.name);
  const base = recordOf(context.repository, environment, existing);
  await store.upsertEnvironment({ ...base, status: destroying ? "destroying" : "applying" });
  const run = await store.startRun(runStart(context, environment, destroying ? "destroy" : "apply"));
  const log = runLogWriter(store, run.id);

  let redact = (text: string) => text;
  let inputs: RunInputs | undefined;
  try {
    const certificates = await provideCertificates({ store: deps.store, now: deps.now, repository: context.repository, environment, issue: "never" });
    const sensitive = sensitiveInputRunValues(planned.sensitiveInputs ?? {});
    inputs = await prepareRunInputs(deps, context, environment, { id: run.id, phase: destroying ? "destroy" : "apply" }, {
      variables: { ...certificates.variables, ...sensitive.variables },
      secrets: [...certificates.secrets, ...sensitive.secrets],
    });
    redact = inputs.redact;
    const applied = await deps.terraform.apply(planned.plan, {
      secrets: inputs.secrets,
      ...(inputs.cloud && { cloudEnv: inputs.cloud.env }),
      redact,
      signal: context.signal,
      onOutput: withRunLog(log, context.onOutput),
    });
    await log.close();
    const event = appliedEvent(context, environment, { runId: run.id, changes: changeCounts(planned.plan.summary), destroying }, deps.now());
    const finished = await store.finishRun(
      run.id,
      {
        outcome: "succeeded",
        // A hibernation's runs say so: a chargeback counts the hours asleep as saved, not spent.
        summary: JSON.stringify({ ...planned.plan.summary, outputs: applied.outputs, ...(context.hibernation && { hibernation: context.hibernation.purpose }) }),
        logExcerpt: applied.log,
        audit: auditOf(context, inputs?.auditDetail),
        // A template may put a secret into an attribute it did not mark sensitive.
        inventory: redactStrings(applied.inventory, redact),
      },
      [event],
    );
    const purpose = context.hibernation?.purpose;
    await store.upsertEnvironment(
      purpose === "sleep"
        ? // Asleep, not gone: its lifetime, its lock and its records stay; what it left running is its outputs.
          { ...base, status: existing?.status === "expiring" ? "expiring" : "active", hibernatedAt: deps.now(), awakeUntil: undefined, outputs: destroying ? undefined : visibleOutputs(applied.outputs, redact), lastRunId: finished.id }
        : destroying
        ? { ...base, status: "destroyed", lastRunId: finished.id, hibernatedAt: undefined, awakeUntil: undefined }
        : {
            ...base,
            status: "active",
            // ttl counts from the first apply; after a destroy, from the next one.
            firstAppliedAt: (existing?.status === "destroyed" ? undefined : existing?.firstAppliedAt) ?? planned.basis,
            defaultTtlSince: environment.lifetime.kind === "ttl" && environment.lifetime.defaulted ? planned.basis : undefined,
            expiresAt: planned.expiresAt,
            outputs: visibleOutputs(applied.outputs, redact),
            lastRunId: finished.id,
            // Any apply but a sleep leaves it in its awake form (a wake, a merge, envbot apply):
            // the sweep puts it back to sleep if its hours say so.
            hibernatedAt: undefined,
          },
    );
    // What environments taking its outputs are given as sensitive variables, and what its state
    // now holds of others'; nothing after a destroy.
    deps.knownSecrets?.add(sensitiveInputRunValues(applied.sensitiveOutputs).secrets);
    await store.keepSensitiveValues(context.repository, environment.name, "output", destroying ? {} : applied.sensitiveOutputs, deps.now());
    await store.keepSensitiveValues(context.repository, environment.name, "input", destroying ? {} : (planned.sensitiveInputs ?? {}), deps.now());
    return { ok: true, run: finished, applied };
  } catch (error) {
    await log.close();
    const failure = interruptedIfHandedOn(describeFailure(error, redact), context.signal);
    const event = domainEvent({ type: "apply-failed", ...eventAbout(context, environment), runId: run.id, effect: destroying ? "destroy" : "apply", reason: failure.reason }, deps.now());
    // What a part-way apply or destroy left in the state stays on record (not known: kept as it was).
    const inventory = error instanceof TerraformError && error.inventory ? redactStrings(error.inventory, redact) : undefined;
    const finished = await store.finishRun(run.id, { outcome: failure.outcome, error: failure.message, logExcerpt: failure.log, audit: auditOf(context, inputs?.auditDetail), ...(inventory && { inventory }) }, [event]);
    await store.upsertEnvironment({ ...base, status: "failed", lastRunId: finished.id });
    if (failure.unexpected) throw error;
    return { ok: false, run: finished, reason: failure.reason, details: failure.details };
  }
}

/** What a successful apply or destroy tells subscribers: hibernated or woke when it put the environment to sleep or woke it. */
function appliedEvent(context: OperationContext, environment: Environment, run: { runId: number; changes: ReturnType<typeof changeCounts>; destroying: boolean }, now: Date) {
  const about = eventAbout(context, environment);
  const until = context.hibernation?.until && { until: context.hibernation.until.toISOString() };
  switch (context.hibernation?.purpose) {
    case "sleep":
      return domainEvent({ type: "hibernated", ...about, runId: run.runId, changes: run.changes, form: run.destroying ? "destroyed" : "sleep-values", ...until }, now);
    case "wake":
      return domainEvent({ type: "woke", ...about, runId: run.runId, changes: run.changes, ...until }, now);
    default:
      return domainEvent({ type: run.destroying ? "destroyed" : "applied", ...about, runId: run.runId, changes: run.changes }, now);
  }
}

/**
 * The outputs people may see in the control plane: sensitive ones left out, the rest redacted
 * (a template may put a secret into an output it forgot to mark sensitive).
 */
export function visibleOutputs(outputs: Record<string, { value: unknown; sensitive: boolean }>, redact: (text: string) => string): Record<string, unknown> {
  const visible: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(outputs)) {
    if (!output.sensitive) visible[name] = redactStrings(output.value, redact);
  }
  return visible;
}
