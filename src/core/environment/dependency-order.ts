import type { Environment } from "./environment.js";

/**
 * The order to apply environments in: each after the environments among them whose outputs it
 * takes (upstream first), otherwise in the order given. Destroying goes the other way (reverse
 * it). Validation refuses cycles; one that is there all the same keeps the order given for the
 * environments in it.
 */
export function upstreamFirst<T extends Pick<Environment, "name" | "inputs">>(environments: readonly T[]): T[] {
  const names = new Set(environments.map((e) => e.name));
  const placed = new Set<string>();
  const ordered: T[] = [];
  let remaining = [...environments];
  while (remaining.length > 0) {
    const ready = remaining.filter((e) => upstreamsOf(e).every((u) => !names.has(u) || placed.has(u) || u === e.name));
    // A cycle: the rest in the order given.
    const next = ready.length > 0 ? ready : remaining;
    for (const environment of next) {
      ordered.push(environment);
      placed.add(environment.name);
    }
    remaining = remaining.filter((e) => !placed.has(e.name));
  }
  return ordered;
}

/** The environments whose outputs `environment` takes. */
export function upstreamsOf(environment: Pick<Environment, "inputs">): string[] {
  return [...new Set(Object.values(environment.inputs).map((reference) => reference.fromEnvironment))];
}
