import type { Store } from "../../core/ports/index.js";

/**
 * The store, with one repository under another name: `stored` (as the records keep it: a local
 * checkout's absolute path) reads as `shown` (an OWNER/NAME, which the REST API's paths and the
 * dashboard's addresses can carry), and `shown` written anywhere in a call's arguments means
 * `stored`. Every other repository keeps its name. Nothing is written under `shown`: the records
 * stay the command line's own, and `envbot status` still finds them.
 *
 * In answers, a name is renamed where it is a repository: a `repository` field, a
 * `repositories` list, and a list of names (listRepositories); a log line or an output that
 * happens to read like the path stays as it is.
 */
export function renamedRepositoryStore(store: Store, names: { stored: string; shown: string }): Store {
  const { stored, shown } = names;
  const toStored = (value: unknown): unknown => {
    if (value === shown) return stored;
    if (Array.isArray(value)) return value.map(toStored);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toStored(field)]));
    return value;
  };
  const toShown = (value: unknown, isRepository: boolean): unknown => {
    if (isRepository && value === stored) return shown;
    if (Array.isArray(value)) return value.map((item) => toShown(item, isRepository));
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toShown(field, key === "repository" || key === "repositories")]));
    return value;
  };
  return new Proxy(store, {
    get(target, property) {
      const member = Reflect.get(target, property, target) as unknown;
      if (typeof member !== "function") return member;
      return async (...args: unknown[]) => {
        const answer = (await (member as (...a: unknown[]) => unknown).apply(target, args.map(toStored))) as unknown;
        // A bare list of names (listRepositories, deliveryRepositories) is a list of repositories.
        return toShown(answer, Array.isArray(answer) && answer.every((item) => typeof item === "string"));
      };
    },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
