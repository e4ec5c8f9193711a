import type { Store } from "../../core/ports/index.js";
import { suggestName } from "../../core/validation/suggest-name.js";
import { CommandFailure } from "./cli-io.js";
import { displayRepository } from "./local-repository.js";
import { listRemoteEnvironments } from "./remote/list-remote-environments.js";
import type { EnvbotApi } from "./remote/envbot-api-client.js";

/** The environments a command looks an environment NAME up among: this machine's records, or a server's. */
export interface EnvironmentDirectory {
  /** Every environment envbot keeps for `repository`, by name. */
  names(repository: string): Promise<string[]>;
  /** How a message says `repository` has no environment `name`. */
  missing(name: string, repository: string): string;
  /** What a message adds when `repository` has no environment at all. */
  none: string;
}

export function localEnvironmentDirectory(store: Pick<Store, "listEnvironments">): EnvironmentDirectory {
  return {
    names: async (repository) => (await store.listEnvironments(repository)).map((record) => record.name),
    missing: (name, repository) => `envbot has no environment '${name}' in ${displayRepository(repository)}`,
    // A definition counts once planned, which is worth saying to whoever has just written one.
    none: "it has none there yet (an environment is kept once it is planned)",
  };
}

/** A server's environments: only those of repositories the token may read exist for it. */
export function remoteEnvironmentDirectory(api: EnvbotApi): EnvironmentDirectory {
  return {
    names: async (repository) => (await listRemoteEnvironments(api, repository)).map((environment) => environment.name),
    missing: (name, repository) => `envbot has no environment '${name}' in ${repository}`,
    none: "it has none there that you can see",
  };
}

/**
 * The one lookup of an environment NAME by `status`, `history`, `logs` and `inventory`: a
 * failure (exit 1) that says what there is when `repository` has no such environment, where
 * they would otherwise print an empty answer for a misspelt name.
 */
export async function requireEnvironment(directory: EnvironmentDirectory, repository: string, name: string): Promise<void> {
  const names = await directory.names(repository);
  if (!names.includes(name)) throw new CommandFailure(unknownEnvironmentIn(directory, repository, name, names));
}

/** Names listed when none is close to what was typed; the rest are counted. */
const NAMES_LISTED = 10;

/**
 * `missing` ("envbot has no environment 'sandbx' in ~/envs") and what to try instead: the likely
 * slip when there is one ("did you mean 'sandbox'?"), else the environments there are, or `none`.
 */
export function unknownEnvironmentText(name: string, missing: string, known: readonly string[], none = "there are none yet"): string {
  const suggestion = suggestName(name, known);
  if (suggestion !== undefined) return `${missing}; did you mean '${suggestion}'?`;
  if (known.length === 0) return `${missing}; ${none}`;
  const listed = known.slice(0, NAMES_LISTED).join(", ");
  return `${missing}; the environments there are: ${listed}${known.length > NAMES_LISTED ? ` and ${known.length - NAMES_LISTED} more` : ""}`;
}

/** unknownEnvironmentText for a directory's `known` names. */
export function unknownEnvironmentIn(directory: EnvironmentDirectory, repository: string, name: string, known: readonly string[]): string {
  return unknownEnvironmentText(name, directory.missing(name, repository), known, directory.none);
}
