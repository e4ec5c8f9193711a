import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { CheckContext, SchemaChecker } from "../checker/schema-checker.js";
import type { Diagnostic } from "../diagnostics/index.js";
import { formatPath, parseJsonPointer, type PathSegment } from "../yaml/index.js";
import { MESSAGE_KEYWORD, POSITION_KEYWORD } from "./schema-keywords.js";
import { describeType, describeValue, quoteText } from "./describe-value.js";
import { suggestName } from "./suggest-name.js";

export function schemaChecker<T>(validate: ValidateFunction): SchemaChecker<T> {
  return {
    check(value, context) {
      if (validate(value)) return { valid: true, value: value as T };
      const seen = new Set<string>();
      const diagnostics: Diagnostic[] = [];
      for (const error of validate.errors ?? []) {
        const diagnostic = toDiagnostic(error, context, value);
        const key = diagnostic && `${diagnostic.path}\n${diagnostic.message}`;
        if (diagnostic && !seen.has(key!)) {
          seen.add(key!);
          diagnostics.push(diagnostic);
        }
      }
      return { valid: false, diagnostics };
    },
  };
}

/** Keywords whose errors only repeat a more precise error reported beside them. */
const WRAPPER_KEYWORDS = new Set(["if", "propertyNames", "anyOf", "allOf"]);

function toDiagnostic(error: ErrorObject, context: CheckContext, value: unknown): Diagnostic | undefined {
  if (WRAPPER_KEYWORDS.has(error.keyword)) return undefined;
  const base = [...(context.basePath ?? []), ...typedPath(value, parseJsonPointer(error.instancePath))];
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const custom = customMessage(parent, error.keyword);
  const hidden = (path: readonly PathSegment[]) =>
    (context.hiddenPaths ?? []).some((h) => h.every((segment, i) => path[i] === segment));
  const fill = (template: string, value: unknown, path: readonly PathSegment[]) =>
    template.replace("{value}", hidden(path) ? "this value" : describeValue(value));

  let path: PathSegment[] = base;
  let part: "key" | "value" = "value";
  let message: string;

  if (error.propertyName !== undefined) {
    // Raised inside propertyNames: the key itself is wrong.
    path = [...base, error.propertyName];
    part = "key";
    message = custom ? fill(custom, error.propertyName, base) : `the key ${quoteText(error.propertyName)} is not allowed here`;
  } else if (error.keyword === "additionalProperties") {
    const key = String(error.params.additionalProperty);
    const known = Object.keys((parent.properties as object | undefined) ?? {});
    const noun = context.propertyNoun ?? "key";
    const suggestion = suggestName(key, known);
    path = [...base, key];
    part = "key";
    message =
      custom ??
      (suggestion
        ? `unknown ${noun}; did you mean '${suggestion}'?`
        : known.length > 0
          ? `unknown ${noun}; expected one of: ${known.join(", ")}`
          : `unknown ${noun}; none is allowed here`);
  } else if (error.keyword === "required") {
    path = [...base, String(error.params.missingProperty)];
    part = "key";
    message = custom ?? "required, but missing";
    return { file: context.file, ...context.locator.locate(base, "key"), path: formatPath(path), message };
  } else if (error.keyword === "type") {
    message = custom
      ? fill(custom, error.data, base)
      : `must be ${describeType(error.params.type)}, got ${hidden(base) ? "something else" : describeValue(error.data)}`;
  } else if (custom) {
    const at = parent[POSITION_KEYWORD];
    if (typeof at === "string") {
      path = [...base, at];
      part = "key";
    }
    message = fill(custom, error.data, base);
  } else {
    message = fill(defaultMessage(error), error.data, base);
  }
  return { file: context.file, ...context.locator.locate(path, part), path: formatPath(path), message };
}

/** Our wording for the keywords a schema of ours may fail without a message of its own. */
function defaultMessage(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "const":
      return `must be ${describeValue(p.allowedValue)}, got {value}`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map(describeValue).join(", ")}, got {value}`;
    case "minLength":
      return p.limit === 1 ? "must not be empty" : `must be at least ${p.limit} characters long`;
    case "maxLength":
      return `is longer than ${p.limit} characters`;
    case "minimum":
      return `{value} is less than the minimum of ${p.limit}`;
    case "exclusiveMinimum":
      return `{value} must be more than ${p.limit}`;
    case "maximum":
      return `{value} is more than the maximum of ${p.limit}`;
    case "exclusiveMaximum":
      return `{value} must be less than ${p.limit}`;
    case "multipleOf":
      return `{value} is not a multiple of ${p.multipleOf}`;
    case "maxProperties":
      return `has more than ${p.limit} entries`;
    case "minItems":
      return `must have at least ${p.limit} items`;
    case "maxItems":
      return `has more than ${p.limit} items`;
    case "uniqueItems":
      return `lists the same value twice (items ${p.j} and ${p.i})`;
    case "pattern":
      return `{value} does not match the pattern ${p.pattern}`;
    case "format":
      return `{value} is not a valid ${p.format}`;
    default:
      return `{value} ${error.message ?? "is not valid"}`;
  }
}

function customMessage(schema: Record<string, unknown>, keyword: string): string | undefined {
  const message = schema[MESSAGE_KEYWORD];
  if (typeof message === "string") return message;
  if (message && typeof message === "object") {
    const byKeyword = (message as Record<string, unknown>)[keyword];
    return typeof byKeyword === "string" ? byKeyword : undefined;
  }
  return undefined;
}

/**
 * A JSON pointer's segments as the value has them: an index into a list is a number (so it reads
 * "request[1]" and the locator finds the list item), a key of a map stays text, even "1".
 */
function typedPath(value: unknown, segments: readonly string[]): PathSegment[] {
  const path: PathSegment[] = [];
  let current = value;
  for (const segment of segments) {
    const index = Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : undefined;
    path.push(index ?? segment);
    current = index !== undefined ? (current as unknown[])[index] : current !== null && typeof current === "object" ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}
