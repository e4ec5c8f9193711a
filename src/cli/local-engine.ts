import os from "node:os";
import type { EngineDeps } from "../core/engine/index.js";
import { engineFromSettings } from "../engine-from-settings.js";
import { readSettings, type Settings } from "../settings.js";

/**
 * What envbot before repository identities recorded every local checkout as: such records are
 * only pointed out, never shown as this checkout's.
 */
export const LEGACY_LOCAL_REPOSITORY = "local";

export function localEngine(env: NodeJS.ProcessEnv, cwd: string): { deps: EngineDeps; settings: Settings; actor: string } {
  const settings = readSettings(env, cwd);
  return { deps: engineFromSettings(settings, env), settings, actor: `cli:${env.USER || os.userInfo().username}` };
}

