import { certificateNames, referencedVariables, usesEnvironmentName } from "../certificates/certificate-names.js";
import type { Template } from "../template/index.js";
import type { PathSegment } from "../yaml/index.js";

/**
 * Each certificate of the template whose names, filled with this environment's name and
 * variables, are not DNS names: reported at the variable that made it so (else the name, else
 * the template), so the author of the definition sees what to change.
 */
export function checkCertificateNames(
  template: Template,
  environment: { name: string | undefined; variables: Record<string, unknown> },
  report: (path: PathSegment[], message: string) => void,
): void {
  if (environment.name === undefined) return;
  const variables = { ...template.variables.defaults, ...environment.variables };
  for (const declaration of Object.values(template.certificates ?? {})) {
    const names = certificateNames(declaration, { name: environment.name, variables });
    if (names.ok) continue;
    const variable = referencedVariables(names.template).find((v) => v in environment.variables);
    const where: PathSegment[] = variable ? ["spec", "variables", variable] : usesEnvironmentName(names.template) ? ["metadata", "name"] : ["spec", "template"];
    const made = names.filled === undefined ? "cannot be made from a value that is not text or a number" : `would be '${names.filled}', which is not a DNS name`;
    report(where, `certificate '${declaration.name}' of template '${template.name}': the name ${names.template} ${made}`);
  }
}
