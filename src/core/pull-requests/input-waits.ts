import type { Environment } from "../environment/index.js";
import type { InputWait } from "../ports/pull-request-report.js";

/**
 * The variables of `environment` that no plan of this pull request can give a value yet: each
 * takes an output of an environment planned in the same run whose plan does not know it (known
 * only after apply, or sensitive: passed only from an apply) or that was not planned (its plan
 * failed, or it waits itself). An upstream the run does not plan gives its recorded output.
 */
export function inputsToWaitFor(
  environment: Pick<Environment, "inputs">,
  /** The environments this run plans to apply. */
  plannedInRun: ReadonlySet<string>,
  /** Those planned so far, with the output values their plans know. */
  plannedOutputs: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): InputWait[] {
  return Object.entries(environment.inputs).flatMap(([variable, { fromEnvironment, output }]): InputWait[] => {
    if (!plannedInRun.has(fromEnvironment)) return [];
    const known = plannedOutputs.get(fromEnvironment);
    if (!known) return [{ variable, fromEnvironment, output, why: "upstream-not-planned" }];
    return Object.hasOwn(known, output) ? [] : [{ variable, fromEnvironment, output, why: "known-after-apply" }];
  });
}
