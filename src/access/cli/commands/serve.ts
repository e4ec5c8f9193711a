import { parseArgs } from "node:util";
import { EXIT, type CliIO } from "../cli-io.js";

const usages = {
  server: `Usage: envbot server

Scale-out: takes GitHub's webhooks (and serves health) and keeps each one's job in PostgreSQL;
runs no Terraform. Needs ENVBOT_DATABASE_URL and the GitHub App's settings (APP_ID,
PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT). Run as many as you like behind a load
balancer; 'envbot worker' processes run the jobs. Stops on SIGTERM.`,
  worker: `Usage: envbot worker

Scale-out: runs the jobs the servers keep in PostgreSQL (plans, applies, destroys), the reconcile
schedules and the delivery of events; serves health on PORT. Needs ENVBOT_DATABASE_URL and the
GitHub App's settings. ENVBOT_CONCURRENCY Terraform operations at once (default 2). On SIGTERM it
takes no new jobs and lets running ones finish for ENVBOT_SHUTDOWN_GRACE (30s), then interrupts
them and hands them to another worker.`,
};

/** `envbot server` and `envbot worker`: the two roles of scale-out, each a long-running process. */
export function serveCommand(role: "server" | "worker") {
  return async (args: string[], io: CliIO): Promise<number> => {
    const { values } = parseArgs({ args, options: { help: { type: "boolean", short: "h" } } });
    if (values.help) {
      io.stdout(`${usages[role]}\n`);
      return EXIT.ok;
    }
    if (!io.serve) {
      io.stderr(`envbot ${role}: this envbot cannot run servers (started without its server module)\n`);
      return EXIT.failed;
    }
    try {
      await io.serve(role);
    } catch (error) {
      // A start that fails says why in one line: a setting (exit 2), or what it could not do (1).
      io.stderr(`envbot ${role}: ${(error as Error).message}\n`);
      return (error as Error).name === "SettingsError" ? EXIT.usage : EXIT.failed;
    }
    // Runs until a signal stops it (main exits the process then).
    return new Promise<number>(() => undefined);
  };
}
