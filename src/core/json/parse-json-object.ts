import type { Position } from "../diagnostics/index.js";
import { START_OF_FILE } from "../diagnostics/index.js";
import type { PathSegment, YamlLocator } from "../yaml/index.js";

/** Deepest nesting of objects and arrays read (as MAX_NESTING_DEPTH for YAML): deeper input is hostile, not a command. */
export const MAX_JSON_DEPTH = 32;

export type ParsedJsonObject = { ok: true; value: Record<string, unknown>; locator: YamlLocator } | { ok: false; message: string; position: Position };

/**
 * Text -> exactly one JSON object (RFC 8259, nothing around it), strictly: JSON.parse's syntax and
 * message, no other top-level value, no key twice in one object (JSON.parse would silently keep
 * the last, so two readers could see two different commands), nested at most MAX_JSON_DEPTH deep. The locator points schema problems
 * at their key or value (1-based line and column), like a YAML file's. Never throws.
 */
export function parseJsonObject(text: string): ParsedJsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON: ${(error as Error).message}`, position: START_OF_FILE };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: `not a JSON object but ${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`}`, position: START_OF_FILE };
  }
  const scanned = scanKeys(text);
  if ("problem" in scanned) return { ok: false, ...scanned.problem };
  return { ok: true, value: value as Record<string, unknown>, locator: scanned.locator };
}

type Frame = { kind: "object"; path: PathSegment[]; keys: Set<string>; key?: string } | { kind: "array"; path: PathSegment[]; index: number };

/**
 * One pass over text JSON.parse accepted: where each key and value starts, and the first key an
 * object repeats or nesting too deep. Iterative (an explicit stack): no call stack to overflow.
 */
function scanKeys(text: string): { locator: YamlLocator } | { problem: { message: string; position: Position } } {
  const keyAt = new Map<string, number>();
  const valueAt = new Map<string, number>();
  const stack: Frame[] = [];
  const pathOfValue = (): PathSegment[] => {
    const top = stack.at(-1);
    if (top === undefined) return [];
    return top.kind === "object" ? [...top.path, top.key ?? ""] : [...top.path, top.index];
  };
  const startValue = (offset: number): PathSegment[] => {
    const path = pathOfValue();
    valueAt.set(pathKey(path), offset);
    return path;
  };
  const nextNonSpace = (from: number): number => {
    let i = from;
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
    return i;
  };

  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = stack.at(-1);
      if (top?.kind === "object" && text[nextNonSpace(end + 1)] === ":") {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { problem: { message: `the key ${JSON.stringify(key)} appears twice in one object`, position: position(text, i) } };
        top.keys.add(key);
        top.key = key;
        keyAt.set(pathKey([...top.path, key]), i);
      } else {
        startValue(i);
      }
      i = end;
    } else if (char === "{" || char === "[") {
      // Checked before a frame copies its path: paths stay short, so the scan stays linear.
      if (stack.length >= MAX_JSON_DEPTH) return { problem: { message: `nested deeper than ${MAX_JSON_DEPTH} objects and arrays`, position: position(text, i) } };
      const path = startValue(i);
      stack.push(char === "{" ? { kind: "object", path, keys: new Set() } : { kind: "array", path, index: 0 });
    } else if (char === "}" || char === "]") {
      stack.pop();
    } else if (char === ",") {
      const top = stack.at(-1);
      if (top?.kind === "array") top.index++;
    } else if (!" \t\r\n:".includes(char)) {
      // A number, true, false or null: its start, then on past it.
      startValue(i);
      while (i + 1 < text.length && !",]} \t\r\n".includes(text[i + 1]!)) i++;
    }
  }

  return {
    locator: {
      locate(path, part = "value") {
        // The nearest ancestor the text has, as the YAML locator does.
        for (let length = path.length; length >= 0; length--) {
          const key = pathKey(path.slice(0, length));
          const offset = (part === "key" && length === path.length ? keyAt.get(key) : undefined) ?? valueAt.get(key);
          if (offset !== undefined) return position(text, offset);
        }
        return START_OF_FILE;
      },
    },
  };
}

const pathKey = (path: readonly PathSegment[]): string => JSON.stringify(path.map(String));

function position(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}
