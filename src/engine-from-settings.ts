import path from "node:path";
import { envSecretProvider } from "./adapters/secrets/env-secret-provider.js";
import { openSqliteStore } from "./adapters/store/sqlite/index.js";
import { cliTerraformRunner } from "./adapters/terraform/cli-terraform-runner.js";
import type { EngineDeps } from "./core/engine/index.js";
import type { Settings } from "./settings.js";

/** The engine on the embedded defaults: SQLite and local state in the data directory. */
export function engineFromSettings(settings: Settings, env: NodeJS.ProcessEnv): EngineDeps {
  return {
    store: openSqliteStore({ file: path.join(settings.dataDir, "envbot.db") }),
    terraform: cliTerraformRunner({
      binary: settings.terraformBin,
      dataDir: settings.dataDir,
      timeoutMs: settings.terraformTimeoutMs,
      killGraceMs: settings.terraformKillGraceMs,
      lockTimeoutMs: settings.stateLockTimeoutMs,
      aws: settings.aws,
      serverEnv: env,
    }),
    secrets: envSecretProvider(env, settings.secretsAllow),
    // A waiting operation waits at most as long as one Terraform command may run.
    leaseWaitMs: settings.terraformTimeoutMs,
    leaseTtlMs: settings.leaseTtlMs,
    now: () => new Date(),
  };
}
