import type { EnvironmentRecord } from "../ports/index.js";
import { referencesOf } from "../validation/check-dependencies.js";

/** One link of a dependency: `variable` of one environment takes `output` of another. */
export interface DependencyLink {
  environment: string;
  variable: string;
  output: string;
}

/**
 * An environment's dependencies as envbot last planned them (each record keeps its definition):
 * the environments whose outputs it takes, and those of `records` (its repository's) that take
 * its outputs.
 */
export function recordedDependencies(record: Pick<EnvironmentRecord, "name" | "definition">, records: readonly Pick<EnvironmentRecord, "name" | "definition" | "status">[]): { upstreams: DependencyLink[]; dependents: DependencyLink[] } {
  const upstreams = Object.entries(referencesOf(record.definition)).map(([variable, r]) => ({ environment: r.fromEnvironment, variable, output: r.output }));
  const dependents = records
    .filter((other) => other.name !== record.name && other.status !== "destroyed")
    .flatMap((other) => Object.entries(referencesOf(other.definition)).filter(([, r]) => r.fromEnvironment === record.name).map(([variable, r]) => ({ environment: other.name, variable, output: r.output })));
  return { upstreams, dependents };
}

/** Every link between the not-destroyed environments of one repository, as last planned: `dependent` takes `output` of `upstream`. */
export function repositoryDependencies(records: readonly Pick<EnvironmentRecord, "name" | "definition" | "status">[]): { dependent: string; upstream: string; variable: string; output: string }[] {
  return records
    .filter((record) => record.status !== "destroyed")
    .flatMap((record) => Object.entries(referencesOf(record.definition)).map(([variable, r]) => ({ dependent: record.name, upstream: r.fromEnvironment, variable, output: r.output })));
}
