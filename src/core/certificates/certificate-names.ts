import type { CertificateDeclaration } from "./certificate-declaration.js";

const PLACEHOLDER = /\{(name|variables\.([a-z_][a-z0-9_]*))\}/g;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The variables a name template refers to ({variables.X}), in order, each once. */
export function referencedVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].flatMap((match) => (match[2] === undefined ? [] : [match[2]])))];
}

/** Whether a template uses {name}. */
export function usesEnvironmentName(template: string): boolean {
  return [...template.matchAll(PLACEHOLDER)].some((match) => match[1] === "name");
}

/**
 * A name template with the environment's name and variables put in. A variable that is not a
 * string or a number gives undefined: no name can be made of it.
 */
export function fillNameTemplate(template: string, values: { name: string; variables: Readonly<Record<string, unknown>> }): string | undefined {
  let unusable = false;
  const filled = template.replace(PLACEHOLDER, (_, placeholder: string, variable: string | undefined) => {
    if (variable === undefined) return values.name;
    const value = values.variables[variable];
    if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) return String(value);
    unusable = true;
    return "";
  });
  return unusable ? undefined : filled;
}

/** A DNS name a CA may put in a certificate: lowercase labels of letters, digits and '-', an optional leading '*.'. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = (name.startsWith("*.") ? name.slice(2) : name).split(".");
  return labels.every((label) => DNS_LABEL.test(label));
}

export type CertificateNames =
  | { ok: true; commonName: string; dnsNames: string[] }
  /** `template` (as the template wrote it) gives `filled`, which is no DNS name (undefined: a variable that is no text). */
  | { ok: false; template: string; filled: string | undefined };

/** A declaration's names for one environment: the common name first, then the other names, each once. */
export function certificateNames(declaration: Pick<CertificateDeclaration, "commonName" | "subjectAlternativeNames">, values: { name: string; variables: Readonly<Record<string, unknown>> }): CertificateNames {
  const names: string[] = [];
  for (const template of [declaration.commonName, ...declaration.subjectAlternativeNames]) {
    const filled = fillNameTemplate(template, values);
    if (filled === undefined || !isDnsName(filled)) return { ok: false, template, filled };
    if (!names.includes(filled)) names.push(filled);
  }
  return { ok: true, commonName: names[0]!, dnsNames: names };
}
