import type { CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { commandRepository, parseGitHubRepository } from "../local-repository.js";
import { remoteRepository, remoteTarget } from "../remote/remote-target.js";
import { repositoryDirectory } from "../repository-directory.js";
import type { CostSource } from "./cost-source.js";
import { localCostSource } from "./local-cost-source.js";
import { remoteCostSource } from "./remote-cost-source.js";

/**
 * The run history `envbot cost` charges for: the remote envbot of --context (or ENVBOT_CONTEXT),
 * else this machine's data directory. Either way every repository it shows unless one is named
 * (--github, or locally the checkout of --repo), so no checkout is needed (as `find` searches a
 * whole server: inventory/open-inventory-source.ts).
 */
export async function openCostSource(options: { context?: string; github?: string; repo?: string }, io: CliIO): Promise<{ source: CostSource; repository?: string }> {
  const target = await remoteTarget(options.context, io);
  if (target) {
    const named = options.github !== undefined || options.repo !== undefined;
    return { source: remoteCostSource(target.api), repository: named ? remoteRepository(target, options) : undefined };
  }
  const repository = await namedLocalRepository(options, io);
  const { deps } = await localEngine(io);
  return { source: localCostSource(deps.store, io.now), repository };
}

/** The repository --repo (a checkout, as in every command) or --github names; undefined for all of them. */
async function namedLocalRepository(options: { github?: string; repo?: string }, io: CliIO): Promise<string | undefined> {
  if (options.repo !== undefined) return commandRepository({ ...(await repositoryDirectory(io.cwd, options.repo)), github: options.github });
  return options.github === undefined ? undefined : parseGitHubRepository(options.github, "--github");
}
