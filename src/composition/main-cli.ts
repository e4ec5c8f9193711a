import type { CliIO, LocalEngine, ServeLocalDashboard } from "../access/cli/cli-io.js";
import path from "node:path";
import { runCli } from "../access/cli/main.js";
import { cacheDir } from "../adapters/cache-dir.js";
import { diskYamlValueCache } from "../adapters/yaml-cache/disk-yaml-value-cache.js";
// Not core/yaml/index.js: that loads the YAML parser, which a command loads only when it parses.
import { useYamlValueCache } from "../core/yaml/yaml-value-cache.js";

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
 * The values of the YAML files this process parses come from, and go to, the cache directory
 * (`yaml/`): every command reads the same configuration, definitions and templates again. The
 * process's own start (start-cli.ts) asks for it, not runEnvbotCli: a test runs many commands,
 * and the App's code, in one process.
 */
export function keepParsedYaml(env: NodeJS.ProcessEnv, cwd: string): void {
  useYamlValueCache(diskYamlValueCache(path.join(cacheDir(env, cwd), "yaml")));
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
 * The engine on this machine's store (local-engine.ts), loaded only by the commands that run
 * one: validate, help and the like start without the store, Terraform's runner and their modules.
 */
async function openLocalEngine(env: NodeJS.ProcessEnv, cwd: string, tell: (line: string) => void): Promise<LocalEngine> {
  return (await import("./local-engine.js")).openLocalEngine(env, cwd, tell);
}
