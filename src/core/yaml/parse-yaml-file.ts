import { LineCounter, isAlias, isCollection, isMap, parseAllDocuments, parseDocument, visit, type Document, type YAMLError } from "yaml";
import type { Diagnostic, Position } from "../diagnostics/index.js";
import { START_OF_FILE } from "../diagnostics/index.js";
import { findInvalidUtf8 } from "./find-invalid-utf8.js";
import { findNestingHazard } from "./guard-nesting.js";
import { createLocator, type YamlLocator } from "./locate-node.js";
import { keepsExactly, yamlValueCache } from "./yaml-value-cache.js";

/** Files larger than this are refused before parsing: a definition is a page of YAML, not a data dump. */
export const MAX_YAML_FILE_BYTES = 256 * 1024;
/** Alias expansions allowed per file; past this an "alias bomb" would blow up memory. */
export const MAX_ALIAS_EXPANSIONS = 100;
/** Deepest nesting of mappings and lists we accept; deeper input is almost certainly hostile. */
export const MAX_NESTING_DEPTH = 32;

export interface ParseYamlFileInput {
  file: string;
  bytes: Uint8Array;
  /** The file's size when `bytes` was not read in full because it is over the limit. */
  size?: number;
  /** What the file should hold, for messages: "an environment definition". */
  expected: string;
}

export type ParsedYamlFile =
  | { ok: true; value: Record<string, unknown>; locator: YamlLocator }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Bytes -> one YAML mapping, or positioned diagnostics for everything that makes the file unusable
 * as data. Never throws on any input.
 */
export function parseYamlFile({ file, bytes, size = bytes.length, expected }: ParseYamlFileInput): ParsedYamlFile {
  const fail = (message: string, at: Position = START_OF_FILE): ParsedYamlFile => ({
    ok: false,
    diagnostics: [{ file, ...at, path: "", message }],
  });

  if (size > MAX_YAML_FILE_BYTES) {
    return fail(`the file is ${formatKiB(size)}; envbot reads YAML files of at most ${formatKiB(MAX_YAML_FILE_BYTES)}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const offset = findInvalidUtf8(bytes);
    const before = new TextDecoder().decode(bytes.subarray(0, offset));
    return fail("the file is not valid UTF-8: save it as UTF-8 text", positionInText(before, before.length));
  }
  const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    return fail(`the file contains the control character U+${code}; is it a binary file?`, positionInText(text, control.index));
  }

  const hazard = findNestingHazard(text);
  if (hazard) return fail(`the file nests mappings and lists more than ${MAX_NESTING_DEPTH} levels deep`, hazard);

  const cache = yamlValueCache();
  const known = cache?.get(text);
  if (known) return { ok: true, value: known, locator: locatorParsedOnUse(text) };

  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = Array.from(parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: "core" }));
  } catch (error) {
    return fail(describeParserCrash(error));
  }
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const first = docs[0];
  if (!first || (first.contents === null && docs.length === 1 && first.errors.length === 0)) {
    return fail(`the file is empty; expected ${expected}`);
  }
  const problems = [...first.errors, ...first.warnings];
  if (problems.length > 0) {
    return { ok: false, diagnostics: problems.map((e) => ({ file, ...at(e.pos[0]), path: "", message: describeYamlError(e, text) })) };
  }
  const second = docs[1];
  if (second) {
    return fail(
      "the file holds more than one YAML document; keep one definition per file and remove this '---' and what follows",
      at(documentMarkerOffset(text, first.range[2])),
    );
  }
  if (!isMap(first.contents)) {
    const got = first.contents === null ? "nothing" : describeNodeKind(first.contents);
    return fail(`the top level must be a mapping of keys; expected ${expected}, got ${got}`, at(first.contents?.range?.[0] ?? 0));
  }

  let value: unknown;
  try {
    value = first.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    if (error instanceof ReferenceError) {
      return fail(`the file expands aliases more than ${MAX_ALIAS_EXPANSIONS} times; write the values out instead`, at(firstAliasOffset(first)));
    }
    return fail(describeParserCrash(error));
  }
  const deepAt = findTooDeep(first);
  if (deepAt !== undefined) {
    return fail(`the file nests mappings and lists more than ${MAX_NESTING_DEPTH} levels deep`, at(deepAt));
  }
  if (cache && keepsExactly(value)) cache.set(text, value as Record<string, unknown>);
  return { ok: true, value: value as Record<string, unknown>, locator: createLocator(first, lineCounter) };
}

/**
 * The locator of a text that parsed cleanly before: positions are needed only for a diagnostic,
 * so the text is parsed again only when one asks where something is.
 */
function locatorParsedOnUse(text: string): YamlLocator {
  let locator: YamlLocator | undefined;
  return {
    locate(path, part) {
      if (!locator) {
        const lineCounter = new LineCounter();
        locator = createLocator(parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: "core" }), lineCounter);
      }
      return locator.locate(path, part);
    },
  };
}

function describeYamlError(error: YAMLError, text: string): string {
  const [start = 0, end = start] = error.pos;
  switch (error.code) {
    case "DUPLICATE_KEY": {
      const lineEnd = text.indexOf("\n", start);
      const line = text.slice(start, lineEnd === -1 ? undefined : lineEnd);
      const key = /^\s*(.+?)\s*:(\s|$)/.exec(line)?.[1] ?? text.slice(start, end);
      return `duplicate key ${quote(key)}: each key may appear once in a mapping`;
    }
    case "TAB_AS_INDENT":
      return "a tab is used for indentation; YAML indents with spaces";
    case "TAG_RESOLVE_FAILED":
      return `YAML tags such as ${quote(text.slice(start, end).split(/\s/)[0] ?? "")} are not allowed: write plain values`;
    case "MULTIPLE_DOCS":
      return "the file holds more than one YAML document; keep one definition per file";
    default: {
      // The parser's own sentence, without its "at line X, column Y" tail: we position it ourselves.
      const sentence = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      return `YAML syntax error: ${sentence}`;
    }
  }
}

function describeParserCrash(error: unknown): string {
  if (error instanceof RangeError) return `the file nests mappings and lists more than ${MAX_NESTING_DEPTH} levels deep`;
  return "the file could not be read as YAML";
}

export function describeNodeKind(node: unknown): string {
  const value = (node as { value?: unknown; items?: unknown }) ?? {};
  if (Array.isArray(value.items)) return isMap(node) ? "a mapping" : "a list";
  return `the value ${quote(String(value.value))}`;
}

function positionInText(text: string, index: number): Position {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return { line, column: index - (before.lastIndexOf("\n") + 1) + 1 };
}

function documentMarkerOffset(text: string, from: number): number {
  const marker = /^---/m.exec(text.slice(from));
  return marker ? from + marker.index : from;
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) offset = node.range[0];
      return visit.BREAK;
    },
  });
  return offset;
}

function findTooDeep(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Node(_key, node, path) {
      if (path.filter(isCollection).length > MAX_NESTING_DEPTH) {
        found = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function formatKiB(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KiB`;
}

function quote(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return `'${short}'`;
}
