import type { Diagnostic } from "../diagnostics/index.js";
import type { PathSegment, YamlLocator } from "../yaml/index.js";

// The interface alone, so that a value type carrying a checker (a Template's variables) needs
// nothing of validation; validation/schema-checker.ts makes one from a compiled schema.

export interface CheckContext {
  file: string;
  locator: YamlLocator;
  /** Prefix of every path, when the checked value sits inside a file (spec.variables). */
  basePath?: readonly PathSegment[];
  /** Values at or below these paths are never shown in a message (secret references). */
  hiddenPaths?: readonly (readonly PathSegment[])[];
  /** What an unknown property is called in messages: "key" (default) or "variable". */
  propertyNoun?: string;
}

/** A compiled schema that reports every violation as a positioned diagnostic. */
export interface SchemaChecker<T> {
  check(value: unknown, context: CheckContext): { valid: true; value: T } | { valid: false; diagnostics: Diagnostic[] };
}
