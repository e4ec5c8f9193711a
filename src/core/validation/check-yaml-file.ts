import type { SchemaChecker } from "../checker/schema-checker.js";
import type { Diagnostic } from "../diagnostics/index.js";
import type { RepoFile } from "../ports/index.js";
import { parseYamlFile, type PathSegment, type YamlLocator } from "../yaml/index.js";

export type CheckedYamlFile<T> =
  | { ok: true; value: T; locator: YamlLocator }
  /** `parsed` is there when the YAML was readable but broke the schema, for checks that can still run. */
  | { ok: false; diagnostics: Diagnostic[]; parsed?: { value: unknown; locator: YamlLocator } };

/** Parse a YAML file and check it against one of our schemas. */
export function checkYamlFile<T>(input: {
  file: string;
  content: RepoFile;
  expected: string;
  checker: SchemaChecker<T>;
  hiddenPaths?: readonly (readonly PathSegment[])[];
}): CheckedYamlFile<T> {
  const { file, content } = input;
  const parsed = parseYamlFile({ file, bytes: content.bytes, size: content.size, expected: input.expected });
  if (!parsed.ok) return parsed;
  const result = input.checker.check(parsed.value, { file, locator: parsed.locator, hiddenPaths: input.hiddenPaths });
  return result.valid
    ? { ok: true, value: result.value, locator: parsed.locator }
    : { ok: false, diagnostics: result.diagnostics, parsed: { value: parsed.value, locator: parsed.locator } };
}
