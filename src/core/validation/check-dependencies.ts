import { isOutputReference, type OutputReference } from "../environment/output-reference.js";
import { ENVIRONMENTS_DIR } from "../environment/index.js";
import type { PathSegment } from "../yaml/index.js";
import { stringAt, valueAt } from "../json/value-at.js";
import { describeValue } from "./describe-value.js";

/** A definition being validated, with where to report its problems. */
export interface DependentDocument {
  name: string;
  value: unknown;
  report: (path: PathSegment[], message: string) => void;
}

/**
 * The rules of dependencies between environments (variables that take another environment's
 * output): the environment exists in the repository (a definition being validated, else one at
 * the same revision), its template declares the output, no environment depends on itself through
 * any chain, and a protected environment depends on none that expires. Each problem at the
 * reference's line.
 */
export async function checkDependencies(input: {
  documents: readonly DependentDocument[];
  /** Another definition of the revision, parsed; undefined when there is none. */
  otherDefinition: (name: string) => Promise<unknown>;
  /** The outputs a template declares; undefined when it cannot be read (reported elsewhere). */
  templateOutputs: (template: string) => Promise<string[] | undefined>;
  /** The repository gives environments that name no lifetime a ttl (limits.defaultTtl). */
  defaultTtl: boolean;
}): Promise<void> {
  const byName = new Map(input.documents.map((d) => [d.name, d.value]));
  const definitions = new Map<string, Promise<unknown>>();
  const definitionOf = (name: string): Promise<unknown> => {
    if (byName.has(name)) return Promise.resolve(byName.get(name));
    let found = definitions.get(name);
    if (!found) definitions.set(name, (found = input.otherDefinition(name)));
    return found;
  };
  const upstreamsOf = async (name: string) => Object.values(referencesOf(await definitionOf(name))).map((r) => r.fromEnvironment);

  for (const document of input.documents) {
    for (const [variable, reference] of Object.entries(referencesOf(document.value))) {
      const at = (key: keyof OutputReference): PathSegment[] => ["spec", "variables", variable, key];
      const upstream = reference.fromEnvironment;
      if (upstream === document.name) {
        document.report(at("fromEnvironment"), "an environment cannot take its own output");
        continue;
      }
      const definition = await definitionOf(upstream);
      if (definition === undefined) {
        document.report(at("fromEnvironment"), `there is no environment ${describeValue(upstream)} in this repository (no ${ENVIRONMENTS_DIR}/${upstream}.yaml)`);
        continue;
      }
      const template = stringAt(definition, ["spec", "template"]);
      const outputs = template === undefined ? undefined : await input.templateOutputs(template);
      if (outputs !== undefined && !outputs.includes(reference.output)) {
        document.report(
          at("output"),
          `environment '${upstream}' (template '${template}') has no output ${describeValue(reference.output)}; ${outputs.length > 0 ? `it has: ${outputs.join(", ")}` : "it has none"}`,
        );
      }
      const expires = expiryOf(definition, input.defaultTtl);
      if (valueAt(document.value, ["spec", "protected"]) === true && expires !== undefined) {
        document.report(at("fromEnvironment"), `a protected environment cannot depend on '${upstream}', which expires (${expires}): make '${upstream}' protected or long-lived`);
      }
      const cycle = await pathBack(upstream, document.name, upstreamsOf);
      if (cycle) document.report(at("fromEnvironment"), `${[document.name, ...cycle].map((n) => `'${n}'`).join(" -> ")} is a cycle: environments cannot depend on each other in a loop`);
    }
  }
}

/** The variables of a definition that take another environment's output. */
export function referencesOf(definition: unknown): Record<string, OutputReference> {
  const variables = valueAt(definition, ["spec", "variables"]);
  if (typeof variables !== "object" || variables === null || Array.isArray(variables)) return {};
  return Object.fromEntries(Object.entries(variables).filter((entry): entry is [string, OutputReference] => isOutputReference(entry[1])));
}

/** A chain of dependencies from `from` back to `to` (from first, to last), if there is one. */
async function pathBack(from: string, to: string, upstreamsOf: (name: string) => Promise<string[]>): Promise<string[] | undefined> {
  const seen = new Set<string>();
  const walk = async (name: string): Promise<string[] | undefined> => {
    if (name === to) return [name];
    if (seen.has(name)) return undefined;
    seen.add(name);
    for (const next of await upstreamsOf(name)) {
      const rest = await walk(next);
      if (rest) return [name, ...rest];
    }
    return undefined;
  };
  return walk(from);
}

/** How a definition expires, in words ("ttl 72h"); undefined when it stays. */
function expiryOf(definition: unknown, defaultTtl: boolean): string | undefined {
  const ttl = stringAt(definition, ["spec", "ttl"]);
  if (ttl !== undefined) return `ttl ${ttl}`;
  const expiresAt = stringAt(definition, ["spec", "expiresAt"]);
  if (expiresAt !== undefined) return `expiresAt ${expiresAt}`;
  if (defaultTtl && valueAt(definition, ["spec", "protected"]) !== true) return "the repository's limits.defaultTtl";
  return undefined;
}
