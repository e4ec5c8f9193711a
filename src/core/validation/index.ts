export * from "./validate-environments.js";
export type { SchemaChecker } from "./schema-checker.js";
export * from "./read-repository-config.js";
export { compileSchemas, type SchemaCompiler } from "./schema-compiler.js";
