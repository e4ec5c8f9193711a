import type { CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { remoteTarget } from "../remote/remote-target.js";
import type { CostSource } from "./cost-source.js";
import { localCostSource } from "./local-cost-source.js";
import { remoteCostSource } from "./remote-cost-source.js";

/**
 * The run history `envbot cost` charges for: the remote envbot of --context (or ENVBOT_CONTEXT),
 * else this machine's data directory. Either way every repository it shows unless --github names
 * one, so no checkout is needed (as `find` searches a whole server: inventory/open-inventory-source.ts).
 */
export async function openCostSource(options: { context?: string }, io: CliIO): Promise<CostSource> {
  const target = await remoteTarget(options.context, io);
  if (target) return remoteCostSource(target.api);
  const { deps } = await localEngine(io);
  return localCostSource(deps.store, io.now);
}
