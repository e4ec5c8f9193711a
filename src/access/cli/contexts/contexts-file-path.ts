import os from "node:os";
import path from "node:path";

/**
 * Where the contexts are kept: $ENVBOT_CONFIG_DIR/contexts.json, else in the user's
 * configuration directory (XDG Base Directory: $XDG_CONFIG_HOME, else ~/.config) under envbot/.
 */
export function contextsFilePath(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.ENVBOT_CONFIG_DIR) return path.join(path.resolve(cwd, env.ENVBOT_CONFIG_DIR), "contexts.json");
  // The specification ignores a relative XDG_CONFIG_HOME.
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME || os.homedir(), ".config");
  return path.join(config, "envbot", "contexts.json");
}
