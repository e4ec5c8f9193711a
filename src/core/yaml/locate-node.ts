import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { Position } from "../diagnostics/index.js";
import { START_OF_FILE } from "../diagnostics/index.js";
import type { PathSegment } from "./format-path.js";

export type NodePart = "key" | "value";

/** Answers "where in the file is this path?" for diagnostics; falls back to the nearest ancestor. */
export interface YamlLocator {
  locate(path: readonly PathSegment[], part?: NodePart): Position;
}

export function createLocator(doc: Document, lineCounter: LineCounter): YamlLocator {
  const position = (offset: number | undefined): Position => {
    if (offset === undefined) return START_OF_FILE;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  return {
    locate(path, part = "value") {
      let node: unknown = doc.contents;
      let keyOffset: number | undefined = rangeStart(node);
      let valueOffset: number | undefined = keyOffset;
      for (const segment of path) {
        node = isAlias(node) ? node.resolve(doc) : node;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
          if (!pair) break;
          keyOffset = rangeStart(pair.key);
          node = pair.value;
          // An empty value (`ttl:`) has no range of its own: point at its key.
          valueOffset = rangeStart(node) ?? keyOffset;
        } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
          node = node.items[segment];
          keyOffset = valueOffset = rangeStart(node) ?? keyOffset;
        } else {
          break;
        }
      }
      return position(part === "key" ? keyOffset : valueOffset);
    },
  };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
