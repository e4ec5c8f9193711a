export * from "./validate-environments.js";
export type { SchemaChecker } from "./schema-checker.js";
