import type { Environment } from "../environment/index.js";
import type { Store } from "../ports/index.js";

/** A variable that takes another environment's output has no value yet: that environment is not applied, or kept no such output. */
export class InputUnavailableError extends Error {
  override name = "InputUnavailableError";
}

/**
 * The values of the variables an environment takes from other environments' outputs: each
 * from the output its upstream's last apply recorded. A sensitive output is never recorded, so
 * it cannot be passed yet (said so).
 */
export async function upstreamInputs(
  store: Pick<Store, "getEnvironment">,
  repository: string,
  environment: Pick<Environment, "inputs">,
  /** Upstreams planned in the same pull request, with the output values their plans know. */
  planned?: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const [variable, { fromEnvironment, output }] of Object.entries(environment.inputs)) {
    const plannedOutputs = planned?.get(fromEnvironment);
    if (plannedOutputs) {
      if (!Object.hasOwn(plannedOutputs, output)) {
        throw new InputUnavailableError(`variable ${variable} takes the output ${output} of ${fromEnvironment}, which is known only after ${fromEnvironment} is applied: it is planned again at the merge, after ${fromEnvironment}`);
      }
      values[variable] = plannedOutputs[output];
      continue;
    }
    const upstream = await store.getEnvironment(repository, fromEnvironment);
    if (!upstream || upstream.firstAppliedAt === undefined || upstream.status === "destroyed") {
      throw new InputUnavailableError(`variable ${variable} takes the output ${output} of ${fromEnvironment}, which is not applied: apply ${fromEnvironment} first (one merge that adds both applies it first)`);
    }
    if (!Object.hasOwn(upstream.outputs ?? {}, output)) {
      throw new InputUnavailableError(`variable ${variable} takes the output ${output} of ${fromEnvironment}, which its last apply did not record (a sensitive output is not passed between environments)`);
    }
    values[variable] = upstream.outputs![output];
  }
  return values;
}
