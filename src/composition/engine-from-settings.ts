import path from "node:path";
import { infracostPlanPricer } from "../adapters/cost/infracost-plan-pricer.js";
import { envSecretProvider } from "../adapters/secrets/env-secret-provider.js";
import { openSqliteStore } from "../adapters/store/sqlite/index.js";
import { cliTerraformRunner } from "../adapters/terraform/cli-terraform-runner.js";
import type { EngineDeps } from "../core/engine/index.js";
import type { Store } from "../core/ports/index.js";
import type { Settings } from "./settings.js";

/**
 * The engine on the settings' adapters: the given store (opened by openStore in open-backends),
 * else SQLite in the data directory; Terraform with working directories there.
 */
export function engineFromSettings(settings: Settings, env: NodeJS.ProcessEnv, store?: Store): EngineDeps {
  const scaleOut = settings.databaseUrl !== undefined;
  // A SQLite file beside a fleet would hold leases no worker sees: scale-out always brings its store.
  if (scaleOut && store === undefined) throw new Error("ENVBOT_DATABASE_URL is set: open the PostgreSQL store first (openStore) and pass it");
  return {
    store: store ?? openSqliteStore({ file: path.join(settings.dataDir, "envbot.db") }),
    terraform: cliTerraformRunner({
      binary: settings.terraformBin,
      dataDir: settings.dataDir,
      timeoutMs: settings.terraformTimeoutMs,
      killGraceMs: settings.terraformKillGraceMs,
      lockTimeoutMs: settings.stateLockTimeoutMs,
      aws: settings.aws,
      // Never envbot's own database for state by default: template code (a provisioner) runs with
      // PG_CONN_STR in its environment, and must not reach envbot's records and queue.
      serverEnv: env,
      sharedStateOnly: scaleOut,
      pricePlan: settings.infracost && infracostPlanPricer({ ...settings.infracost, serverEnv: env }),
    }),
    secrets: envSecretProvider(env, settings.secretsAllow),
    // A waiting operation waits at most as long as one Terraform command may run.
    leaseWaitMs: settings.terraformTimeoutMs,
    leaseTtlMs: settings.leaseTtlMs,
    now: () => new Date(),
  };
}
