import type { Actor } from "../authorization/actor.js";
import { applyPlan, planEnvironment, type OperationContext } from "../engine/index.js";
import { domainEvent } from "../events/domain-event.js";
import { environmentKey } from "../pull-requests/pull-request-deps.js";
import { loadAppliedEnvironments } from "./load-applied-environments.js";
import { planExpiryActions, type ExpiryAction } from "./plan-expiry-actions.js";
import { planHibernationActions } from "./plan-hibernation-actions.js";
import { hibernateEnvironment } from "./hibernate-environment.js";
import { nextChange } from "../hibernation/awake-schedule.js";
import type { Environment } from "../environment/index.js";
import type { SweepEntry, SweepInput, SweepResult } from "./reconcile-types.js";
import { dependentsByUpstream } from "../dependencies/definition-references.js";
import type { RepoFiles, Store } from "../ports/index.js";

export const RECONCILER_ACTOR: Actor = { kind: "reconciler" };

/** Warns owners ahead of expiry, destroys expired environments, reports what it cannot do. */
export async function runExpirySweep(input: SweepInput): Promise<SweepResult> {
  const { deps, repository, reporter, now } = input;
  const { applied, config } = await loadAppliedEnvironments({ store: deps.store, repository, files: input.files, now, only: input.only });
  // Who takes whose outputs is read (every definition) only when something is due to be warned or destroyed.
  const due = planExpiryActions({ applied, config, now }).some((a) => a.entry.action === "warn" || a.entry.action === "destroy" || a.entry.action === "deferred");
  const expiryActions = due ? planExpiryActions({ applied, config, now, liveDependents: await liveDependents(deps.store, repository, input.files) }) : planExpiryActions({ applied, config, now });
  // Sleeping and waking, for the environments expiry leaves alone, within what is left of the destroy limit.
  const leaving = new Set(expiryActions.filter((a) => a.entry.action === "destroy" || a.entry.action === "deferred" || a.entry.action === "unusable").map((a) => a.entry.environment));
  const locks = await deps.store.listLocks(repository);
  const hibernationActions = planHibernationActions({
    applied: applied.filter((a) => !leaving.has(a.record.name)),
    now,
    lockedBy: new Map(locks.map((lock): [string, string] => [lock.environment, lock.holder.kind === "pull-request" ? `pull request #${lock.holder.number}` : `${lock.holder.user} (envbot CLI)`])),
    busy: new Set(applied.filter((a) => a.record.status === "applying" || a.record.status === "destroying").map((a) => a.record.name)),
    destroysLeft: config.limits.maxDestroysPerSweep - expiryActions.filter((a) => a.entry.action === "destroy").length,
  });
  // An environment the schedule acts on shows that entry, not expiry's "none".
  const acted = new Set(hibernationActions.map((a) => a.entry.environment));
  const actions = [...expiryActions.filter((a) => !(acted.has(a.entry.environment) && a.entry.action === "none")), ...hibernationActions];
  const result: SweepResult = { kind: "expiry", repository, dryRun: input.dryRun, config, entries: actions.map((a) => a.entry) };
  if (input.dryRun) return result;

  result.entries = [];
  for (const action of actions) {
    input.onProgress?.(`${repository}: ${action.entry.environment}: ${action.entry.action}`);
    // One environment's failure is its own entry: the sweep goes on with the others.
    result.entries.push(
      await execute(action).catch((error: unknown): SweepEntry => {
        const detail = error instanceof Error ? error.message : String(error);
        input.onProgress?.(`${repository}: ${action.entry.environment}: failed: ${detail}`);
        return { ...action.entry, outcome: "failed", detail };
      }),
    );
  }
  return result;

  /** Puts an environment to sleep or wakes it, until the schedule's next change. */
  function hibernate(environment: Environment, purpose: "sleep" | "wake") {
    const until = environment.hibernation && nextChange(environment.hibernation, now)?.at;
    return hibernateEnvironment(deps, { repository, files: input.files, config, actor: RECONCILER_ACTOR, environment, purpose, ...(until && { until }) });
  }

  async function execute({ applied, entry, dependents }: ExpiryAction): Promise<SweepEntry> {
    const { record } = applied;
    const notice = { repository, environment: record.name, file: applied.file, owner: record.owner };
    switch (entry.action) {
      case "unusable":
        await reporter.definitionUnusable({ ...notice, problems: applied.problems.length > 0 ? applied.problems : [entry.detail ?? "unusable"] });
        return { ...entry, outcome: "done" };
      case "warn": {
        const expiresAt = new Date(entry.expiresAt!);
        await reporter.expiryWarning({ ...notice, expiresAt, ...(dependents && { dependents }) });
        const warned = domainEvent({ type: "expiry-warned", repository, environment: record.name, actor: "reconciler", expiresAt: expiresAt.toISOString() }, now);
        await deps.store.upsertEnvironment({ repository, name: record.name, ...(record.status === "active" ? { status: "expiring" as const } : {}), expiryWarnedFor: expiresAt }, [warned]);
        return { ...entry, outcome: "done" };
      }
      case "destroy": {
        // Chosen here within the sweep's destroy limit; the job re-checks it is still due.
        if (input.dispatch) {
          await input.dispatch(record.name);
          return { ...entry, outcome: "queued" };
        }
        const environment = applied.environment!;
        const context: OperationContext = { repository, actor: RECONCILER_ACTOR, templateFiles: input.files, config, onOutput: undefined };
        const destroy = async () => {
          const planned = await planEnvironment(deps, context, environment, "destroy");
          if (!planned.ok) return { ok: false as const, reason: planned.reason, details: planned.details };
          const done = await applyPlan(deps, context, environment, planned);
          return done.ok ? { ok: true as const } : { ok: false as const, reason: done.reason, details: done.details };
        };
        const outcome = deps.queue ? await deps.queue.exclusive(environmentKey(repository, record.name), destroy) : await destroy();
        if (!outcome.ok) {
          await deps.store.upsertEnvironment({ repository, name: record.name, status: "failed" });
          await reporter.destroyFailed({ ...notice, reason: outcome.reason, details: outcome.details });
          return { ...entry, outcome: "failed", detail: outcome.reason };
        }
        await deps.store.appendEvents([domainEvent({ type: "expired", repository, environment: record.name, actor: "reconciler", expiresAt: entry.expiresAt! }, now)]);
        const { cleanupPullRequest } = await reporter.expired({ ...notice, expiresAt: new Date(entry.expiresAt!), cleanupPullRequest: config.expiry.cleanupPullRequest });
        return { ...entry, outcome: "done", ...(cleanupPullRequest ? { detail: `cleanup pull request #${cleanupPullRequest}` } : {}) };
      }
      case "sleep":
      case "wake": {
        if (input.dispatch) {
          await input.dispatch(record.name);
          return { ...entry, outcome: "queued" };
        }
        const outcome = await hibernate(applied.environment!, entry.action);
        return outcome.ok ? { ...entry, outcome: "done" } : { ...entry, outcome: "failed", detail: outcome.reason };
      }
      case "none": {
        // Warned, then extended (a new ttl or expiresAt): no longer expiring.
        const extended = record.status === "expiring" && entry.expiresAt !== undefined && record.expiryWarnedFor?.toISOString() !== entry.expiresAt;
        if (extended) await deps.store.upsertEnvironment({ repository, name: record.name, status: "active" });
        return entry;
      }
      default:
        return entry;
    }
  }
}

/**
 * Upstream -> the environments at the default branch that take its outputs and are live (applied,
 * not destroyed): expiry keeps the upstream while any is.
 */
async function liveDependents(store: Pick<Store, "getEnvironment">, repository: string, files: RepoFiles): Promise<Map<string, string[]>> {
  const live = new Map<string, string[]>();
  for (const [upstream, dependents] of await dependentsByUpstream(files)) {
    const alive: string[] = [];
    for (const name of dependents) {
      const record = await store.getEnvironment(repository, name);
      if (record && record.firstAppliedAt !== undefined && record.status !== "destroyed") alive.push(name);
    }
    if (alive.length > 0) live.set(upstream, alive);
  }
  return live;
}
