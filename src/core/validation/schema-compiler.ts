import type { ValidateFunction } from "ajv/dist/2020.js";

/**
 * Compiles JSON Schemas a repository brings (a template's variables, and each default's own
 * schema) strictly, with envbot's ajv options, into validators of the same names. Rejects with
 * ajv's error when one does not compile (an unknown keyword, say).
 */
export type SchemaCompiler = (schemas: Readonly<Record<string, object>>) => Promise<Record<string, ValidateFunction>>;

/** Compiles in this process every time; ajv is loaded on first use. */
export const compileSchemas: SchemaCompiler = async (schemas) => {
  const { createAjv } = await import("./create-ajv.js");
  const ajv = createAjv();
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, ajv.compile(schema)]));
};
