import type { CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { commandRepository, commandRecordsRepository } from "../local-repository.js";
import { repositoryDirectory } from "../repository-directory.js";
import { remoteRepository, remoteTarget } from "../remote/remote-target.js";
import type { AuditSource } from "./audit-source.js";
import { localAuditSource } from "./local-audit-source.js";
import { remoteAuditSource } from "./remote-audit-source.js";

/**
 * The audit trail `envbot audit` reads, and the repository it is about, chosen as `history`
 * chooses its runs (runs/open-run-source.ts): the remote envbot of --context (or ENVBOT_CONTEXT)
 * with --github or the context's repository, else this machine's data directory with the
 * checkout's identity (or --github).
 */
export async function openAuditSource(options: { context?: string; github?: string; repo?: string }, io: CliIO): Promise<{ source: AuditSource; repository: string }> {
  const target = await remoteTarget(options.context, io);
  if (target) return { source: remoteAuditSource(target.api), repository: remoteRepository(target, options) };
  const written = await commandRepository({ ...(await repositoryDirectory(io.cwd, options.repo)), github: options.github });
  const { deps } = await localEngine(io);
  const repository = await commandRecordsRepository(deps.store, written);
  return { source: localAuditSource(deps.store), repository };
}
