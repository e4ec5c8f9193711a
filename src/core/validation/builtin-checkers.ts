import type { ValidateFunction } from "ajv/dist/2020.js";
import type { BusCommand, EnvironmentDefinition, RepositoryConfig, TemplateDefinition } from "../../generated/schemas.js";
import * as validators from "../../generated/validators.js";
import type { SchemaChecker } from "../checker/schema-checker.js";
import { schemaChecker } from "./schema-checker.js";

interface BuiltinCheckers {
  environment: SchemaChecker<EnvironmentDefinition>;
  template: SchemaChecker<TemplateDefinition>;
  config: SchemaChecker<RepositoryConfig>;
  command: SchemaChecker<BusCommand>;
}

/**
 * The schemas of schemas/, compiled ahead of time (`npm run gen:types` writes
 * src/generated/validators.ts): a process that validates loads neither ajv's compiler nor spends
 * its start-up compiling them.
 */
const checkers: BuiltinCheckers = {
  environment: schemaChecker(validators.environment as ValidateFunction),
  template: schemaChecker(validators.template as ValidateFunction),
  config: schemaChecker(validators.config as ValidateFunction),
  command: schemaChecker(validators.command as ValidateFunction),
};

export function builtinCheckers(): BuiltinCheckers {
  return checkers;
}
