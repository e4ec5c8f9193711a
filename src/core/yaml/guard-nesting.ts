import type { Position } from "../diagnostics/index.js";

/**
 * The YAML parser recurses once per nesting level and, a few hundred levels down, the process can
 * die outright (V8 aborts when a stack overflow meets a regular-expression compile) instead of
 * throwing. So before parsing, bound the nesting by a cheap over-estimate on the raw text:
 * - block nesting can not exceed the column at which a line's content starts (after indentation
 *   and "- ", "? " indicators), so a line whose content starts far right is refused;
 * - flow nesting is the depth of [ and { brackets (counted outside comments; brackets inside
 *   quoted strings count too, which only errs on the safe side).
 * The limits sit far below the parser's breaking point (~900 levels) and far above real files.
 */
export const MAX_CONTENT_COLUMN = 200;
export const MAX_FLOW_DEPTH = 64;

export function findNestingHazard(text: string): Position | undefined {
  let flowDepth = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      atLineStart = true;
      inComment = false;
      continue;
    }
    if (atLineStart) {
      if (c === " " || ((c === "-" || c === "?" || c === ":") && text[i + 1] === " ")) {
        if (i - lineStart >= MAX_CONTENT_COLUMN) return { line, column: i - lineStart + 1 };
        continue;
      }
      atLineStart = false;
    }
    if (inComment) continue;
    if (c === "#" && (i === lineStart || /\s/.test(text[i - 1]!))) inComment = true;
    else if (c === "[" || c === "{") {
      if (++flowDepth > MAX_FLOW_DEPTH) return { line, column: i - lineStart + 1 };
    } else if ((c === "]" || c === "}") && flowDepth > 0) flowDepth--;
  }
  return undefined;
}
