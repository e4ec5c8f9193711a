import type { Actor } from "../../core/authorization/actor.js";
import os from "node:os";
import { recoverInterruptedRuns, type EngineDeps } from "../../core/engine/index.js";
import { OUTBOX_RETENTION_MS } from "../../adapters/outbox/outbox-relay.js";
import { engineFromSettings } from "../../composition/engine-from-settings.js";
import { openStore } from "../../composition/open-backends.js";
import { formatInterruptedRun } from "../../render/plan-text.js";
import { readSettings, type Settings } from "../../composition/settings.js";

/**
 * What envbot before repository identities recorded every local checkout as: such records are
 * only pointed out, never shown as this checkout's.
 */
export const LEGACY_LOCAL_REPOSITORY = "local";

/**
 * The engine on the store the settings name: this machine's data directory, or with
 * ENVBOT_DATABASE_URL the fleet's PostgreSQL (its records, leases and audit, shared with every
 * server and worker; Terraform state then only in a shared backend, as on the workers). Runs a
 * process that died left running are closed first (as interrupted), and the user is told, so no
 * environment stays "applying" for good.
 */
export async function localEngine(
  env: NodeJS.ProcessEnv,
  cwd: string,
  tell: (line: string) => void,
): Promise<{ deps: EngineDeps; settings: Settings; actor: Actor }> {
  const settings = readSettings(env, cwd);
  const { store, mode } = await openStore(settings);
  const deps = engineFromSettings(settings, env, store);
  try {
    for (const run of await recoverInterruptedRuns(deps)) tell(`envbot: ${formatInterruptedRun(run)}`);
    // The command line relays no events (an App on the same data directory does, and in
    // scale-out the workers, which also prune them): bounded all the same.
    if (mode === "embedded") await deps.store.pruneEvents(new Date(Date.now() - OUTBOX_RETENTION_MS));
  } catch (error) {
    await store.close();
    throw error;
  }
  return { deps, settings, actor: { kind: "cli", user: env.USER || os.userInfo().username } };
}

