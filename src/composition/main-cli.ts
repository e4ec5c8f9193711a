import os from "node:os";
import { OUTBOX_RETENTION_MS } from "../adapters/outbox/outbox-relay.js";
import { readSettings } from "../adapters/server-env/settings.js";
import type { CliIO, LocalEngine, ServeLocalDashboard } from "../access/cli/cli-io.js";
import { runCli } from "../access/cli/main.js";
import { recoverInterruptedRuns } from "../core/engine/index.js";
import { formatInterruptedRun } from "../render/plan-text.js";
import { engineFromSettings } from "./engine-from-settings.js";
import { openStore } from "./open-backends.js";

export { wantsColor } from "../access/cli/cli-io.js";

/**
 * Entry of the command line (bin/envbot.js runs it), its composition root: the commands get the engine
 * from here, built on the same openStore and engineFromSettings as the server's, so the
 * command line never reaches up into the composition root.
 */
export function runEnvbotCli(argv: string[], io: Omit<CliIO, "openEngine" | "serveLocalDashboard">): Promise<number> {
  return runCli(argv, { ...io, openEngine: openLocalEngine, serveLocalDashboard: serveUntilInterrupted });
}

/**
 * `envbot ui`'s server (local-dashboard.ts, loaded only for it: the API is no other command's
 * start-up), until Ctrl-C or SIGTERM; a second Ctrl-C ends the process at once.
 */
const serveUntilInterrupted: ServeLocalDashboard = async (options) => {
  const { serveLocalDashboard } = await import("./local-dashboard.js");
  const dashboard = await serveLocalDashboard(options);
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void dashboard.close().then(resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return { url: dashboard.url, shownAs: dashboard.shownAs, stopped };
};

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
