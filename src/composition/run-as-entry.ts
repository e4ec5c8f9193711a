import { pathToFileURL } from "node:url";
import { SettingsError } from "../adapters/server-env/settings.js";

/**
 * Starts `start` when the module at `moduleUrl` is the file node was asked to run (`node
 * dist/composition/main-embedded.js`), not when another module imports it (the `envbot` command
 * does, for `envbot server` and `envbot worker`). A settings mistake is one line, not a stack.
 */
export function runAsEntry(moduleUrl: string, start: () => Promise<void>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  start().catch((error: unknown) => {
    // A setting is named and exits 2, as the command line's usage errors do; anything else is
    // one line too (the stack with ENVBOT_DEBUG) and exits 1.
    console.error(error instanceof SettingsError || !process.env.ENVBOT_DEBUG ? `envbot: ${(error as Error).message}` : error);
    process.exit(error instanceof SettingsError ? 2 : 1);
  });
}
