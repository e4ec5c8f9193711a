import type { Store } from "../ports/index.js";

/**
 * A GitHub repository written in any case, as envbot's records spell it, or undefined when
 * envbot records no environment of it. The App records a repository as GitHub spells it (its
 * webhooks carry that name), and GitHub's names are case-insensitive: `Octo-Org/Alpha` is the
 * `octo-org/alpha` of the records.
 */
export async function recordedRepository(store: Pick<Store, "listEnvironments">, repository: string): Promise<string | undefined> {
  const wanted = repository.toLowerCase();
  return (await store.listEnvironments()).find((record) => record.repository.toLowerCase() === wanted)?.repository;
}
