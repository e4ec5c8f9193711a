import path from "node:path";
import { cachedSchemaCompiler } from "../../adapters/schema-cache/cached-schema-compiler.js";
import type { SchemaCompiler } from "../../core/validation/index.js";
import { cacheDir } from "../../adapters/cache-dir.js";

/** A command runs once: templates' schemas come compiled from the cache (issue 12: start-up). */
export function cliSchemaCompiler(env: NodeJS.ProcessEnv, cwd: string): SchemaCompiler {
  return cachedSchemaCompiler(path.join(cacheDir(env, cwd), "schemas"));
}
