import type { CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { commandRepository, commandRecordsRepository } from "../local-repository.js";
import { repositoryDirectory } from "../repository-directory.js";
import { remoteRepository, remoteTarget } from "../remote/remote-target.js";
import { localOrphanSource } from "./local-orphan-source.js";
import type { OrphanSource } from "./orphan-source.js";
import { remoteOrphanSource } from "./remote-orphan-source.js";

/**
 * What `envbot orphans` reads: the remote envbot of --context (or ENVBOT_CONTEXT), its sweeps of
 * --github's repository or of every repository the token may read (as `find` searches a whole
 * server: inventory/open-inventory-source.ts); else AWS, asked now about the checkout's
 * repository (or --github's) and compared with this machine's data directory.
 */
export async function openOrphanSource(options: { context?: string; github?: string; repo?: string }, io: CliIO): Promise<OrphanSource> {
  const target = await remoteTarget(options.context, io);
  if (target) return remoteOrphanSource(target.api, options.github === undefined && options.repo === undefined ? undefined : remoteRepository(target, options));
  const written = await commandRepository({ ...(await repositoryDirectory(io.cwd, options.repo)), github: options.github });
  // The AWS SDK is loaded only where AWS is asked: a remote envbot's answer needs none of it.
  const { awsTaggedResources } = await import("../../../adapters/aws/aws-tagged-resources.js");
  const { deps, settings } = await localEngine(io);
  const repository = await commandRecordsRepository(deps.store, written);
  return localOrphanSource({ store: deps.store, tagged: awsTaggedResources(settings.aws, io.env), repository, now: io.now });
}
