import type { ValidateFunction } from "ajv/dist/2020.js";

/**
 * Compiles JSON Schemas a repository brings (a template's variables, and each default's own
 * schema) strictly, with envbot's ajv options, into validators of the same names. Rejects with
 * ajv's error when one does not compile (an unknown keyword, say).
 */
export type SchemaCompiler = (schemas: Readonly<Record<string, object>>) => Promise<Record<string, ValidateFunction>>;

/** Distinct schema sets kept compiled: far more than the templates of a few repositories. */
const CACHE_LIMIT = 256;
const compiled = new Map<string, Promise<Record<string, ValidateFunction>>>();

/**
 * Compiles in this process, once per distinct set of schemas (a server validates the same
 * templates for every pull request and every environment of a sweep); ajv is loaded on first
 * use. A validator only reads its input, so one compiled function serves every caller.
 */
export const compileSchemas: SchemaCompiler = (schemas) => {
  const key = JSON.stringify(schemas);
  const known = compiled.get(key);
  if (known) return known;
  const compiling = (async () => {
    const { createAjv } = await import("./create-ajv.js");
    const ajv = createAjv();
    return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, ajv.compile(schema)]));
  })();
  // A schema that does not compile is not kept: the error is the caller's to report.
  compiling.catch(() => compiled.delete(key));
  compiled.set(key, compiling);
  if (compiled.size > CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
  return compiling;
};
