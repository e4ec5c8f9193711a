import os from "node:os";
import { OUTBOX_RETENTION_MS } from "../adapters/outbox/outbox-relay.js";
import { readSettings } from "../adapters/server-env/settings.js";
import type { LocalEngine } from "../access/cli/cli-io.js";
import { recoverInterruptedRuns } from "../core/engine/index.js";
import { formatInterruptedRun } from "../render/plan-text.js";
import { engineFromSettings } from "./engine-from-settings.js";
import { openStore } from "./open-backends.js";

/**
 * The engine on the store the settings name: this machine's data directory, or with
 * ENVBOT_DATABASE_URL the fleet's PostgreSQL (its records, leases and audit, shared with every
 * server and worker; Terraform state then only in a shared backend, as on the workers). Runs a
 * process that died left running are closed first (as interrupted), and the user is told, so no
 * environment stays "applying" for good.
 */
export async function openLocalEngine(env: NodeJS.ProcessEnv, cwd: string, tell: (line: string) => void): Promise<LocalEngine> {
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
