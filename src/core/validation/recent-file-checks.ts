import type { RepoFile } from "../ports/index.js";

/**
 * The results of checking a file, kept by the file's bytes for the next caller: a worker's sweep
 * jobs read the same .github/envbot.yml and template.yaml at one commit, one environment each, and
 * parsing and checking them again for each job cost more than the rest of its bookkeeping. The
 * check must depend on nothing but the bytes (and the key's other parts). Results are shared, so
 * they are frozen: a caller that changed one would change it for every later caller.
 */
export class RecentFileChecks<T> {
  private readonly results = new Map<string, T>();

  constructor(private readonly limit: number) {}

  get(parts: readonly string[], content: RepoFile, check: () => T): T {
    const key = keyOf(parts, content);
    const known = this.results.get(key);
    if (known !== undefined) {
      // Least recently used goes first.
      this.results.delete(key);
      this.results.set(key, known);
      return known;
    }
    const result = check();
    this.results.set(key, result);
    if (this.results.size > this.limit) this.results.delete(this.results.keys().next().value!);
    return result;
  }

  /** Drops a result (a check that failed for a reason other than the file). */
  forget(parts: readonly string[], content: RepoFile): void {
    this.results.delete(keyOf(parts, content));
  }
}

function keyOf(parts: readonly string[], content: RepoFile): string {
  return `${parts.join("\0")}\0${Buffer.from(content.bytes.buffer, content.bytes.byteOffset, content.bytes.byteLength).toString("latin1")}`;
}

/** Freezes plain objects and arrays all the way down; functions and class instances (a compiled schema) stay as they are. */
export function freezeData<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) freezeData(item);
    return Object.freeze(value);
  }
  if (value !== null && typeof value === "object") {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return value;
    for (const item of Object.values(value)) freezeData(item);
    return Object.freeze(value);
  }
  return value;
}
