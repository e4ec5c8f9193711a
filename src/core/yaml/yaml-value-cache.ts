/**
 * Where the values of YAML texts that parsed cleanly are kept between runs, keyed by the text:
 * parsing is a function of the text alone, so a value kept from an earlier run is the value. The
 * command line keeps them on disk (adapters/yaml-cache): each of its starts parsed the same
 * repository configuration, definition and template again (~5 ms of a plan's start-up).
 * Only values JSON holds exactly are kept (see `keepsExactly`).
 */
export interface YamlValueCache {
  get(text: string): Record<string, unknown> | undefined;
  set(text: string, value: Record<string, unknown>): void;
}

let installed: YamlValueCache | undefined;

/** The process's cache, set once by its composition root; none by default (the server, tests). */
export function useYamlValueCache(cache: YamlValueCache | undefined): void {
  installed = cache;
}

export function yamlValueCache(): YamlValueCache | undefined {
  return installed;
}

/**
 * True when JSON gives this value back unchanged: no Infinity or NaN (YAML's .inf, .nan), and no
 * key JSON.parse would read differently from how the YAML parser set it (`__proto__`).
 */
export function keepsExactly(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(keepsExactly);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(([key, item]) => key !== "__proto__" && keepsExactly(item));
  }
  return false;
}
