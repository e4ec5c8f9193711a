import type { OutputReference } from "./output-reference.js";
import { environmentSchema, type ConfigReference, type EnvironmentDefinition, type SecretReference } from "../../generated/schemas.js";
import type { AwakeSchedule } from "../hibernation/awake-schedule.js";
import type { Template } from "../template/template.js";

export const ENVIRONMENTS_DIR = "environments";

/** An environment's (and a template's) name, as the schema defines it: a DNS label, never a path. */
export const NAME_PATTERN = new RegExp(environmentSchema.$defs.metadata.properties.name.pattern);

/** How long an environment lives. */
export type Lifetime =
  /** `defaulted`: the definition named no lifetime and the repository's limits.defaultTtl was given. */
  | { kind: "ttl"; text: string; ms: number; defaulted?: true }
  | { kind: "expiresAt"; at: Date }
  | { kind: "unlimited" };

/** An environment definition that passed every check, with its template. */
export interface Environment {
  name: string;
  /** The definition's path (repository-relative when it is in the repository). */
  file: string;
  owner: string;
  description?: string;
  labels: Readonly<Record<string, string>>;
  template: Template;
  lifetime: Lifetime;
  protected: boolean;
  /** When it is awake (spec.hibernation over the repository's default); always, when unset. */
  hibernation?: AwakeSchedule;
  /** spec.variables as written, but those taken from other environments' outputs; the template's defaults are not merged in. */
  variables: Readonly<Record<string, unknown>>;
  /** Variables that take another environment's output (spec.variables.X: { fromEnvironment, output }), resolved at plan time. */
  inputs: Readonly<Record<string, OutputReference>>;
  secrets: Readonly<Record<string, SecretReference>>;
  /** spec.config: variables whose values the server reads at plan time (SSM), shown like any variable. */
  config: Readonly<Record<string, ConfigReference>>;
  definition: EnvironmentDefinition;
}

/** Where a new definition of `name` goes; an existing one may be .yml (see core/repository/definition-files.ts). */
export function environmentFile(name: string): string {
  return `${ENVIRONMENTS_DIR}/${name}.yaml`;
}

/** "environments/checkout-preview.yaml" -> "checkout-preview" (any folder, any extension). */
export function baseName(file: string): string {
  const last = file.split(/[\\/]/).pop() ?? file;
  const dot = last.lastIndexOf(".");
  return dot > 0 ? last.slice(0, dot) : last;
}
