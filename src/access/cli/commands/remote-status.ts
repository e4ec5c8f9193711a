import { formatStatusTable } from "../../../render/plan-text.js";
import { CommandFailure, EXIT, type CliIO } from "../cli-io.js";
import { remoteEnvironmentDirectory, unknownEnvironmentIn } from "../environment-directory.js";
import { environmentFromApi } from "../remote/api-records.js";
import { listRemoteEnvironments } from "../remote/list-remote-environments.js";
import type { RemoteTarget } from "../remote/remote-target.js";
import { remoteParkedNotice } from "./remote-notifications.js";

/**
 * `status --context`: the environments a remote envbot keeps for the repository (or only `name`),
 * as the local table shows them, and parked notifications.
 */
export async function remoteStatus(target: RemoteTarget, repository: string, options: { name?: string; json?: boolean }, io: CliIO): Promise<number> {
  const { name, json } = options;
  const all = await listRemoteEnvironments(target.api, repository);
  if (name !== undefined && !all.some((e) => e.name === name)) {
    throw new CommandFailure(unknownEnvironmentIn(remoteEnvironmentDirectory(target.api), repository, name, all.map((e) => e.name)));
  }
  const items = all.filter((e) => name === undefined || e.name === name);
  if (json) {
    io.stdout(`${JSON.stringify(items, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout(`Environments of ${repository} (context ${target.context.name}, ${target.context.url}):\n${formatStatusTable(items.map(environmentFromApi), { remote: true })}\n`);
  const parked = await remoteParkedNotice(target.api);
  if (parked !== undefined) io.stdout(`${parked}\n`);
  return EXIT.ok;
}
