import type { TemplateOutputDeclaration } from "../../generated/schemas.js";
import type { AwsRoleChoice } from "../credentials/cloud-roles.js";
import type { SchemaChecker } from "../checker/schema-checker.js";
import type { CertificateDeclaration } from "../certificates/certificate-declaration.js";

/** A template that passed validation: everything later stages need, nothing raw. */
export interface Template {
  name: string;
  /** templates/<name>/template.yaml */
  file: string;
  /** templates/<name> */
  directory: string;
  description: string;
  providers: readonly "aws"[];
  variables: {
    /** Every variable the module takes, in declaration order. */
    names: readonly string[];
    required: readonly string[];
    defaults: Readonly<Record<string, unknown>>;
    checker: SchemaChecker<Record<string, unknown>>;
    /** The variables' JSON Schema as the template wrote it (the dashboard's request form is made from it). */
    schema: Readonly<Record<string, unknown>>;
  };
  secrets: Readonly<Record<string, { description?: string; required: boolean }>>;
  outputs: Readonly<Record<string, TemplateOutputDeclaration>>;
  /** template.yaml's `certificates`, each issued per environment (none when absent). */
  certificates?: Readonly<Record<string, CertificateDeclaration>>;
  /** template.yaml's `cost.hourly`: dollars per hour while an environment of it exists. */
  hourlyCost?: number;
  /** template.yaml's `credentials`: the roles its runs assume, over the repository's. */
  credentials?: { aws?: AwsRoleChoice };
  /** template.yaml's `sleep`: the variables' values while hibernated. Unset: it sleeps destroyed. */
  sleep?: { variables: Readonly<Record<string, unknown>> };
}

export const TEMPLATES_DIR = "templates";

export function templateFile(name: string): string {
  return `${TEMPLATES_DIR}/${name}/template.yaml`;
}
