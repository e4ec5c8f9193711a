/**
 * The value at `path` in parsed data (YAML or JSON): a string segment reads a key of a mapping, a
 * number an item of a list; undefined wherever the path leads to nothing of that kind.
 */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of path) {
    if (typeof segment === "number" ? !Array.isArray(node) : !isMapping(node)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** The string at `path`, or undefined when there is none. */
export function stringAt(value: unknown, path: readonly (string | number)[]): string | undefined {
  const found = valueAt(value, path);
  return typeof found === "string" ? found : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
