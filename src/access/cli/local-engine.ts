import type { CliIO, LocalEngine } from "./cli-io.js";


/**
 * What envbot before repository identities recorded every local checkout as: such records are
 * only pointed out, never shown as this checkout's.
 */
export const LEGACY_LOCAL_REPOSITORY = "local";

/** The engine for a command, built by the composition root; what it says on the way goes to stderr. */
export function localEngine(io: CliIO): Promise<LocalEngine> {
  if (!io.openEngine) throw new Error("the command line was started without its composition root (composition/main-cli.ts provides openEngine)");
  return io.openEngine(io.env, io.cwd, (line) => io.stderr(`${line}\n`));
}
