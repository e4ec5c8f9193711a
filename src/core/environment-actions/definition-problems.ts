import type { Diagnostic } from "../diagnostics/index.js";
import type { ActionProblem } from "./environment-action-deps.js";

/** Where each part of a definition came from in a request's fields. */
const FIELDS: readonly [prefix: string, field: string][] = [
  ["metadata.name", "name"],
  ["metadata.owner", "owner"],
  ["metadata.description", "description"],
  ["metadata.labels", "labels"],
  ["spec.template", "template"],
  ["spec.ttl", "ttl"],
  ["spec.expiresAt", "expiresAt"],
  ["spec.variables", "variables"],
];

/**
 * The validator's diagnostics of a definition built from a request, named by the request's
 * fields ("spec.variables.index_document" -> "body.variables.index_document").
 */
export function requestProblems(diagnostics: readonly Diagnostic[]): ActionProblem[] {
  return diagnostics.map((diagnostic) => {
    const match = FIELDS.find(([prefix]) => diagnostic.path === prefix || diagnostic.path.startsWith(`${prefix}.`) || diagnostic.path.startsWith(`${prefix}[`));
    const field = match ? `body.${match[1]}${diagnostic.path.slice(match[0].length)}` : "body";
    return { field, message: diagnostic.message };
  });
}
