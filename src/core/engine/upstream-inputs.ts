import { sensitiveInputVariable, type Environment } from "../environment/index.js";
import type { SensitiveValue, Store } from "../ports/index.js";

/** A variable that takes another environment's output has no value yet: that environment is not applied, or kept no such output. */
export class InputUnavailableError extends Error {
  override name = "InputUnavailableError";
}

/** What an environment's variables take from other environments' outputs, for one plan. */
export interface UpstreamInputs {
  /** Plain values by variable: written into the root module like any variable. */
  values: Record<string, unknown>;
  /** Sensitive outputs by variable: given to Terraform as TF_VAR_ (sensitiveInputVariable), never written anywhere. */
  sensitive: Record<string, unknown>;
  /**
   * What the plan's summary records of each input, for the drift check to compare: the value, or
   * for a sensitive one only when it last changed (never the value).
   */
  recorded: Record<string, unknown>;
}

/**
 * The values of the variables an environment takes from other environments' outputs: each
 * from the output its upstream's last apply recorded (a sensitive one from the store's sensitive
 * outputs), or from the plan of an upstream planned in the same pull request.
 */
export async function upstreamInputs(
  store: Pick<Store, "getEnvironment" | "getSensitiveValues">,
  repository: string,
  environment: Pick<Environment, "inputs">,
  /** Upstreams planned in the same pull request, with the output values their plans know. */
  planned?: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): Promise<UpstreamInputs> {
  const taken: UpstreamInputs = { values: {}, sensitive: {}, recorded: {} };
  for (const [variable, { fromEnvironment, output }] of Object.entries(environment.inputs)) {
    const plannedOutputs = planned?.get(fromEnvironment);
    if (plannedOutputs) {
      if (!Object.hasOwn(plannedOutputs, output)) {
        throw new InputUnavailableError(`variable ${variable} takes the output ${output} of ${fromEnvironment}, which is known only after ${fromEnvironment} is applied: it is planned again at the merge, after ${fromEnvironment}`);
      }
      taken.values[variable] = taken.recorded[variable] = plannedOutputs[output];
      continue;
    }
    const upstream = await store.getEnvironment(repository, fromEnvironment);
    if (!upstream || upstream.firstAppliedAt === undefined || upstream.status === "destroyed") {
      throw new InputUnavailableError(`variable ${variable} takes the output ${output} of ${fromEnvironment}, which is not applied: apply ${fromEnvironment} first (one merge that adds both applies it first)`);
    }
    if (Object.hasOwn(upstream.outputs ?? {}, output)) {
      taken.values[variable] = taken.recorded[variable] = upstream.outputs![output];
      continue;
    }
    const sensitive = (await store.getSensitiveValues(repository, fromEnvironment, "output"))[output];
    if (!sensitive) throw new InputUnavailableError(`variable ${variable} takes the output ${output} of ${fromEnvironment}, which its last apply did not give: apply ${fromEnvironment} with that output first`);
    taken.sensitive[variable] = sensitive.value;
    taken.recorded[variable] = `(sensitive, changed ${sensitive.changedAt.toISOString()})`;
  }
  return taken;
}

/**
 * How a plan hands Terraform the sensitive inputs: TF_VAR_ variables (JSON, any type) and the
 * texts its redactor hides, every string inside each value and the value as given.
 */
export function sensitiveInputRunValues(sensitive: Readonly<Record<string, unknown>>): { variables: Record<string, string>; secrets: string[] } {
  const variables: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [variable, value] of Object.entries(sensitive)) {
    variables[sensitiveInputVariable(variable)] = JSON.stringify(value);
    secrets.push(...stringsIn(value), ...(typeof value === "string" ? [] : [JSON.stringify(value)]));
  }
  return { variables, secrets };
}

/** Numbers and booleans are left out: hiding every "true" or "3" would hide nothing and garble every text. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The values of kept sensitive values, without when they changed. */
export function valuesOf(kept: Readonly<Record<string, SensitiveValue>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kept).map(([name, { value }]) => [name, value]));
}
