import type { AttributeChange } from "./plan-summary.js";

/**
 * The AWS provider reports a tag changed by hand twice: under `tags_all` (what really changed)
 * and under `tags` (from null, its own bookkeeping). A person changed one tag: one line, named
 * `tags.KEY`, with the values `tags_all` holds.
 */
export function withoutTagBookkeeping(attributes: AttributeChange[]): AttributeChange[] {
  const all = new Map(attributes.filter((a) => a.path.startsWith("tags_all.")).map((a) => [a.path.slice("tags_all.".length), a]));
  return attributes.flatMap((a) => {
    if (a.path.startsWith("tags_all.")) {
      const key = a.path.slice("tags_all.".length);
      return attributes.some((t) => t.path === `tags.${key}`) ? [] : [a];
    }
    const pair = a.path.startsWith("tags.") ? all.get(a.path.slice("tags.".length)) : undefined;
    // The pair's values, and what the tags attribute's configuration reads (the tags_all one reads nothing).
    return pair ? [{ ...pair, path: a.path, ...(a.source && { source: a.source }) }] : [a];
  });
}
