import {
  configSchema,
  environmentSchema,
  templateSchema,
  type EnvironmentDefinition,
  type RepositoryConfig,
  type TemplateDefinition,
} from "../../generated/schemas.js";
import { createAjv } from "./create-ajv.js";
import { schemaChecker, type SchemaChecker } from "./schema-checker.js";

interface BuiltinCheckers {
  environment: SchemaChecker<EnvironmentDefinition>;
  template: SchemaChecker<TemplateDefinition>;
  config: SchemaChecker<RepositoryConfig>;
}

let compiled: BuiltinCheckers | undefined;

/** The schemas of schemas/, compiled once per process on first use. */
export function builtinCheckers(): BuiltinCheckers {
  if (!compiled) {
    const ajv = createAjv();
    compiled = {
      environment: schemaChecker(ajv.compile(environmentSchema)),
      template: schemaChecker(ajv.compile(templateSchema)),
      config: schemaChecker(ajv.compile(configSchema)),
    };
  }
  return compiled;
}
