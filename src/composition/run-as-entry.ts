import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { SettingsError } from "../adapters/server-env/settings.js";

/**
 * Starts `start` when the module at `moduleUrl` is the file node was asked to run (`node
 * dist/composition/main-embedded.js`), not when another module imports it (the `envbot` command
 * does, for `envbot server` and `envbot worker`). A settings mistake is one line, not a stack.
 */
export function runAsEntry(moduleUrl: string, start: () => Promise<void>, script = process.argv[1]): void {
  if (!isEntry(moduleUrl, script)) return;
  start().catch((error: unknown) => {
    // A setting is named and exits 2, as the command line's usage errors do; anything else is
    // one line too (the stack with ENVBOT_DEBUG) and exits 1.
    console.error(error instanceof SettingsError || !process.env.ENVBOT_DEBUG ? `envbot: ${(error as Error).message}` : error);
    process.exit(error instanceof SettingsError ? 2 : 1);
  });
}

/**
 * Whether node was asked to run the module at `moduleUrl`. Node names a module by its real path,
 * while `script` is the path as typed: through a symlink (a release folder linked as `current`,
 * a checkout's linked `dist`) they differ, and the server would exit 0 having started nothing.
 */
export function isEntry(moduleUrl: string, script: string | undefined): boolean {
  if (!script) return false;
  let real = script;
  try {
    real = realpathSync(script);
  } catch {
    // Not a file (node -e): compared as given.
  }
  return moduleUrl === pathToFileURL(real).href;
}
