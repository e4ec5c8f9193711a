import { formatStatusTable } from "../../../render/plan-text.js";
import { EXIT, type CliIO } from "../cli-io.js";
import { environmentFromApi } from "../remote/api-records.js";
import { listRemoteEnvironments } from "../remote/list-remote-environments.js";
import type { RemoteTarget } from "../remote/remote-target.js";
import { remoteParkedNotice } from "./remote-notifications.js";

/** `status --context`: the environments a remote envbot keeps for the repository, as the local table shows them, and parked notifications. */
export async function remoteStatus(target: RemoteTarget, repository: string, json: boolean | undefined, io: CliIO): Promise<number> {
  const items = await listRemoteEnvironments(target.api, repository);
  if (json) {
    io.stdout(`${JSON.stringify(items, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout(`Environments of ${repository} (context ${target.context.name}, ${target.context.url}):\n${formatStatusTable(items.map(environmentFromApi), { remote: true })}\n`);
  const parked = await remoteParkedNotice(target.api);
  if (parked !== undefined) io.stdout(`${parked}\n`);
  return EXIT.ok;
}
