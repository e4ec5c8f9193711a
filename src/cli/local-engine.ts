import os from "node:os";
import path from "node:path";
import { envSecretProvider } from "../adapters/secrets/env-secret-provider.js";
import { openSqliteStore } from "../adapters/store/sqlite/index.js";
import { cliTerraformRunner } from "../adapters/terraform/cli-terraform-runner.js";
import type { EngineDeps } from "../core/engine/index.js";
import { readSettings, type Settings } from "../settings.js";

/** Environments planned from a local checkout are recorded under this repository name. */
export const LOCAL_REPOSITORY = "local";

/** The engine on the embedded defaults: SQLite and local state in the data directory. */
export function localEngine(env: NodeJS.ProcessEnv, cwd: string): { deps: EngineDeps; settings: Settings; actor: string } {
  const settings = readSettings(env, cwd);
  const deps: EngineDeps = {
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
    now: () => new Date(),
  };
  return { deps, settings, actor: `cli:${env.USER || os.userInfo().username}` };
}
