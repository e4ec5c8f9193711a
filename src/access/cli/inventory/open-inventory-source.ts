import type { CliIO } from "../cli-io.js";
import { localEnvironmentDirectory, remoteEnvironmentDirectory, type EnvironmentDirectory } from "../environment-directory.js";
import { localEngine } from "../local-engine.js";
import { commandRepository, commandRecordsRepository } from "../local-repository.js";
import { repositoryDirectory } from "../repository-directory.js";
import { remoteRepository, remoteTarget } from "../remote/remote-target.js";
import type { InventorySource } from "./inventory-source.js";
import { localInventorySource } from "./local-inventory-source.js";
import { remoteInventorySource } from "./remote-inventory-source.js";

/**
 * The inventories `envbot inventory` and `envbot find` read, and the repository they are about,
 * chosen as `audit` chooses its trail (audit/open-audit-source.ts): the remote envbot of
 * --context (or ENVBOT_CONTEXT) with --github or the context's repository, else this machine's
 * data directory with the checkout's identity (or --github).
 *
 * `wholeServer`: remotely, without --github, no repository at all (`find` searches every
 * repository the token may read); repository is then undefined.
 */
export async function openInventorySource(
  options: { context?: string; github?: string; repo?: string; wholeServer?: boolean },
  io: CliIO,
): Promise<{ source: InventorySource; repository?: string; environments: EnvironmentDirectory }> {
  const target = await remoteTarget(options.context, io);
  if (target) {
    const repository = options.wholeServer && options.github === undefined && options.repo === undefined ? undefined : remoteRepository(target, options);
    return { source: remoteInventorySource(target.api), repository, environments: remoteEnvironmentDirectory(target.api) };
  }
  const written = await commandRepository({ ...(await repositoryDirectory(io.cwd, options.repo)), github: options.github });
  const { deps } = await localEngine(io);
  const repository = await commandRecordsRepository(deps.store, written);
  return { source: localInventorySource(deps.store), repository, environments: localEnvironmentDirectory(deps.store) };
}
