import type { Actor } from "../authorization/actor.js";
import { isDuration, parseDuration } from "../duration/duration.js";
import type { Environment } from "../environment/index.js";
import { endOfNextAwakeWindow } from "../hibernation/awake-schedule.js";
import { queuedJob } from "../jobs/envbot-job.js";
import type { JobQueue, Store } from "../ports/index.js";
import { auditDone, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";
import { authorizeDefinedEnvironment } from "./plan-environment-now.js";

/**
 * Keeps an environment that sleeps outside its awake hours awake until a moment: `duration` from
 * now, or the end of its current or next awake window. The sweep leaves it awake until then; the
 * caller wakes it at once when it sleeps (`asleep`). What `envbot wake` and `/envbot wake` share.
 */
export async function keepAwake(
  store: Pick<Store, "getEnvironment" | "upsertEnvironment">,
  input: { repository: string; environment: Environment; now: Date; duration?: string },
): Promise<{ ok: true; until: Date; asleep: boolean } | { ok: false; reason: "conflict" | "not-applied"; detail: string }> {
  const { repository, environment, now, duration } = input;
  const { name } = environment;
  if (!environment.hibernation) return { ok: false, reason: "conflict", detail: `${name} has no awake hours (spec.hibernation, or the repository's hibernation.default): it never sleeps` };
  const until = duration !== undefined ? new Date(now.getTime() + parseDuration(duration)) : endOfNextAwakeWindow(environment.hibernation, now);
  if (!until) return { ok: false, reason: "conflict", detail: `${name}'s schedule never sends it to sleep: it is awake` };
  const record = await store.getEnvironment(repository, name);
  if (!record || record.firstAppliedAt === undefined || record.status === "destroyed") return { ok: false, reason: "not-applied", detail: `${name} is not applied in ${repository}` };
  await store.upsertEnvironment({ repository, name, awakeUntil: until });
  return { ok: true, until, asleep: record.hibernatedAt !== undefined };
}

/**
 * `/envbot wake` and the control plane's wake: keepAwake for an environment as defined on the
 * default branch, authorized by the policy's `wake` rule and audited; a sleeping one is woken by
 * a queued job (`waking`), applied as defined at the default branch's head.
 */
export async function wakeEnvironment(
  deps: EnvironmentActionDeps & { queue: Pick<JobQueue, "enqueue"> },
  input: { repository: string; name: string; actor: Actor; installation: number; duration?: string },
): Promise<ActionOutcome<{ until: Date; waking: boolean; defaultBranch: string }>> {
  const { repository, name, actor, duration } = input;
  if (duration !== undefined && !isDuration(duration)) return { ok: false, reason: "invalid", problems: [{ field: "body.duration", message: "a duration like 30m, 2h or 1d" }] };
  const defined = await authorizeDefinedEnvironment(deps, actor, "wake", { repository, name });
  if (!defined.ok) return defined;
  const { base } = defined.scene;
  const kept = await keepAwake(deps.store, { repository, environment: defined.environment, now: deps.now(), duration });
  if (!kept.ok) return { ok: false, reason: kept.reason === "not-applied" ? "not-found" : "conflict", detail: kept.detail };
  if (kept.asleep) {
    await deps.queue.enqueue(queuedJob({ kind: "wake-environment", installation: input.installation, repository, defaultBranch: base, environment: name, actor, until: kept.until.toISOString() }));
  }
  await auditDone(deps, actor, "wake", { repository, name }, kept.asleep ? "woken" : "kept awake", `until ${kept.until.toISOString()}`);
  return { ok: true, value: { until: kept.until, waking: kept.asleep, defaultBranch: base } };
}
