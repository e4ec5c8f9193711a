import type { Actor } from "../authorization/actor.js";
import type { ResolvedConfig } from "../config/repository-config.js";
import { applyPlan, environmentKey, planEnvironment, type EngineDeps, type OperationContext } from "../engine/index.js";
import type { Environment } from "../environment/index.js";
import { sleepingForm } from "../environment/sleeping-form.js";
import type { JobQueue, RepoFiles } from "../ports/index.js";

/**
 * Puts an environment to sleep (destroyed, or applied with its template's sleep values) or wakes
 * it (applied as defined), in its Terraform slot when there is a queue. `until`: when it changes
 * again, for the event.
 */
export async function hibernateEnvironment(
  deps: EngineDeps & { queue?: Pick<JobQueue, "exclusive"> },
  input: {
    repository: string;
    /** The commit the definition and templates are read at, when known (a job's). */
    commit?: string;
    files: RepoFiles;
    config: ResolvedConfig;
    actor: Actor;
    environment: Environment;
    purpose: "sleep" | "wake";
    until?: Date;
    signal?: AbortSignal;
    onOutput?: (line: string) => void;
  },
): Promise<{ ok: true } | { ok: false; reason: string; details?: string }> {
  const { environment, purpose } = input;
  const context: OperationContext = {
    repository: input.repository,
    ...(input.commit && { commit: input.commit }),
    actor: input.actor,
    templateFiles: input.files,
    config: input.config,
    signal: input.signal,
    onOutput: input.onOutput,
    hibernation: { purpose, ...(input.until && { until: input.until }) },
  };
  const asleep = purpose === "sleep" ? sleepingForm(environment) : undefined;
  const target = asleep ?? environment;
  const run = async () => {
    const planned = await planEnvironment(deps, context, target, purpose === "sleep" && !asleep ? "destroy" : "normal");
    if (!planned.ok) return { ok: false as const, reason: planned.reason, details: planned.details };
    const done = await applyPlan(deps, context, target, planned);
    return done.ok ? { ok: true as const } : { ok: false as const, reason: done.reason, details: done.details };
  };
  return deps.queue ? deps.queue.exclusive(environmentKey(input.repository, environment.name), run) : run();
}
