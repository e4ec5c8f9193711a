import type { Environment } from "./environment.js";

/**
 * The environment as it is while asleep: with its template's sleep values over its own variables,
 * or undefined when it sleeps destroyed (a template without sleep values).
 */
export function sleepingForm(environment: Environment): Environment | undefined {
  const sleep = environment.template.sleep;
  return sleep && { ...environment, variables: { ...environment.variables, ...sleep.variables } };
}
