import os from "node:os";
import path from "node:path";

/**
 * Where the command line keeps what it can always compute again (templates' schemas compiled by
 * ajv, V8's compiled code of the command line, the values of YAML files it parsed):
 * ENVBOT_CACHE_DIR, else the XDG cache directory ($XDG_CACHE_HOME, else ~/.cache) /envbot.
 * Deleting it is always safe. A module of its own: start-cli.ts reads it before the command
 * line's bundle is loaded.
 */
export function cacheDir(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.ENVBOT_CACHE_DIR) return path.resolve(cwd, env.ENVBOT_CACHE_DIR);
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || os.homedir(), ".cache");
  return path.join(cache, "envbot");
}
