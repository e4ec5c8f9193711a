import type { CliIO } from "../cli-io.js";
import { localEnvironmentDirectory, remoteEnvironmentDirectory, type EnvironmentDirectory } from "../environment-directory.js";
import { localEngine } from "../local-engine.js";
import { commandRepository, commandRecordsRepository } from "../local-repository.js";
import { repositoryDirectory } from "../repository-directory.js";
import { remoteRepository, remoteTarget } from "../remote/remote-target.js";
import { localRunSource } from "./local-run-source.js";
import { remoteRunSource } from "./remote-run-source.js";
import type { RunSource } from "./run-source.js";

export interface OpenedRunSource {
  source: RunSource;
  /** The repository the command is about; undefined when it needs none (a run id). */
  repository?: string;
  /** Where an environment NAME of it is looked up. */
  environments: EnvironmentDirectory;
}

/**
 * The runs a command reads: the remote envbot of --context (or ENVBOT_CONTEXT), else this
 * machine's data directory. The repository is resolved only when the command needs one.
 */
export async function openRunSource(options: { context?: string; github?: string; repo?: string; needsRepository: boolean }, io: CliIO): Promise<OpenedRunSource> {
  const target = await remoteTarget(options.context, io);
  if (target) {
    const named = options.needsRepository || options.github !== undefined || options.repo !== undefined;
    const repository = named ? remoteRepository(target, options) : undefined;
    return { source: remoteRunSource(target.api), repository, environments: remoteEnvironmentDirectory(target.api) };
  }
  const written = options.needsRepository
    ? await commandRepository({ ...(await repositoryDirectory(io.cwd, options.repo)), github: options.github })
    : undefined;
  const { deps } = await localEngine(io);
  const repository = written === undefined ? undefined : await commandRecordsRepository(deps.store, written);
  return { source: localRunSource(deps, (line) => io.stderr(`${line}\n`)), repository, environments: localEnvironmentDirectory(deps.store) };
}
