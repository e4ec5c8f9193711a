import { isDeepStrictEqual } from "node:util";
import { valueAt } from "../json/value-at.js";
import { parseDocument } from "yaml";
import type { Actor } from "../authorization/actor.js";
import { actorText } from "../authorization/actor.js";
import type { Environment } from "../environment/index.js";
import { withoutTagBookkeeping, type AdoptedValue, type NotAdopted, type ResourceChange } from "../planning/index.js";
import { validateEnvironments } from "../validation/index.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import { requestProblems } from "./definition-problems.js";
import { auditDone, proposalBranch, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";
import { repoFile } from "./request-environment.js";
import type { RepoFiles } from "../ports/index.js";

/**
 * Which drifted values the definition can take: an attribute whose configuration reads template
 * variables (its `source`), where exactly one of them held the attribute's value before the
 * drift (the variable itself, or its entry at the drifted key). A value computed from a variable
 * (`"${var.name}-site"`) is no variable's value: such drift, and drift of attributes no variable
 * sets (the standard tags, say), is listed as not adopted.
 */
export function adoptionOf(environment: Pick<Environment, "variables" | "template" | "config">, drift: readonly ResourceChange[]): { adopted: AdoptedValue[]; notAdopted: NotAdopted[] } {
  const values: Record<string, unknown> = { ...environment.template.variables.defaults, ...environment.variables };
  const adoptable = new Set(Object.keys((environment.template.variables.schema.properties ?? {}) as Record<string, unknown>).filter((name) => !(name in environment.config)));
  const adopted: AdoptedValue[] = [];
  const notAdopted: NotAdopted[] = [];
  for (const resource of drift) {
    if (resource.action !== "update" && resource.action !== "replace") {
      notAdopted.push({ address: resource.address, attribute: "", why: resource.action === "delete" ? "it was deleted outside of Terraform: applying re-creates it" : `it was ${resource.action}d outside of Terraform` });
      continue;
    }
    for (const attribute of withoutTagBookkeeping(resource.attributes)) {
      const where = { address: resource.address, attribute: attribute.path };
      const source = attribute.source;
      // Unset before the drift: nothing in the configuration gave it that value (a provider's default tag, say).
      if (!source || source.before === undefined || source.before === null) {
        notAdopted.push({ ...where, why: attribute.sensitive ? "it is sensitive" : "no template variable sets it" });
        continue;
      }
      const written = source.variables.filter((name) => adoptable.has(name));
      if (written.length === 0) {
        // The envbot_tags variable, or one the server reads (spec.config): not the definition's to say.
        notAdopted.push({ ...where, why: "no variable of the definition sets it" });
        continue;
      }
      const candidates = written.flatMap((name) => {
        if (source.within.length > 0 && isDeepStrictEqual(valueAt(values[name], source.within), source.before)) return [{ variable: name, path: source.within }];
        if (isDeepStrictEqual(values[name], source.before)) return [{ variable: name, path: [] }];
        return [];
      });
      if (candidates.length !== 1) {
        notAdopted.push({ ...where, why: candidates.length === 0 ? `its value is computed from ${written.join(", ")}, not taken as is` : `it comes from more than one variable (${candidates.map((c) => c.variable).join(", ")})` });
        continue;
      }
      const [{ variable, path }] = candidates as [{ variable: string; path: (string | number)[] }];
      const same = adopted.find((a) => a.variable === variable && isDeepStrictEqual(a.path, path));
      if (same && !isDeepStrictEqual(same.to, source.after)) {
        notAdopted.push({ ...where, why: `${same.address} ${same.attribute} drifted to another value of the same variable` });
        continue;
      }
      if (!same) adopted.push({ variable, path, from: source.before, to: source.after, ...where });
    }
  }
  return { adopted, notAdopted };
}

/**
 * `/envbot adopt` (and the control plane's): opens a pull request that writes the drifted values
 * into the definition on the default branch (its comments and layout kept), validated as any
 * definition is. Merged, it is applied with no changes to the drifted resources. The drift comes
 * from a plan of the environment as defined at `files` (the caller's job ran it).
 */
export async function proposeAdoption(
  deps: Pick<EnvironmentActionDeps, "store" | "changes" | "now" | "compileSchemas">,
  input: { repository: string; base: string; files: RepoFiles; environment: Environment; actor: Actor; drift: readonly ResourceChange[] },
): Promise<ActionOutcome<{ pullRequest?: { number: number; url: string; branch: string }; adopted: AdoptedValue[]; notAdopted: NotAdopted[] }>> {
  const { repository, base, files, environment, actor } = input;
  const { name, file } = environment;
  const { adopted, notAdopted } = adoptionOf(environment, input.drift);
  if (adopted.length === 0) return { ok: true, value: { adopted, notAdopted } };
  const content = await files.readFile(file, MAX_YAML_FILE_BYTES);
  const document = content && parseDocument(new TextDecoder().decode(content.bytes));
  if (!document || document.errors.length > 0) return { ok: false, reason: "conflict", detail: `${file} on ${base} cannot be read as YAML; fix it first` };
  for (const value of adopted) {
    // Within a variable the definition writes, only the drifted entry changes (its comments
    // kept); one taken from the template's default is written whole, with the entry changed.
    const written = Object.hasOwn(environment.variables, value.variable);
    if (written || value.path.length === 0) document.setIn(["spec", "variables", value.variable, ...value.path], value.to);
    else document.setIn(["spec", "variables", value.variable], withValueAt(environment.template.variables.defaults[value.variable], value.path, value.to));
  }
  const text = document.toString();
  const report = await validateEnvironments({ repo: files, policy: files, documents: [{ file, content: repoFile(text) }], definitions: files, now: deps.now(), compileSchemas: deps.compileSchemas });
  if (report.diagnostics.length > 0) return { ok: false, reason: "invalid", problems: requestProblems(report.diagnostics) };
  const pullRequest = await deps.changes.propose({
    repository,
    base,
    branch: proposalBranch("adopt", name, deps.now()),
    files: { [file]: text },
    reason: { kind: "adopt", environment: name, requestedBy: actorText(actor), file, adopted, notAdopted },
  });
  await auditDone(deps, actor, "adopt", { repository, name }, `pull-request #${pullRequest.number}`, adopted.map((a) => variablePath(a)).join(", "));
  return { ok: true, value: { pullRequest, adopted, notAdopted } };
}

/** "tags.team": where in spec.variables an adopted value goes. */
export function variablePath(value: Pick<AdoptedValue, "variable" | "path">): string {
  return [value.variable, ...value.path].map((segment) => (typeof segment === "number" ? `[${segment}]` : segment)).join(".").replace(/\.\[/g, "[");
}

function withValueAt(value: unknown, path: readonly (string | number)[], to: unknown): unknown {
  if (path.length === 0) return to;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(typeof value === "object" && value !== null ? value : {}) }) as Record<string | number, unknown>;
  copy[head] = withValueAt(copy[head], rest, to);
  return copy;
}
