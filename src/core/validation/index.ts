export * from "./validate-environments.js";
export * from "./read-repository-config.js";
export { compileSchemas, type SchemaCompiler } from "./schema-compiler.js";
export * from "./validate-template-file.js";
