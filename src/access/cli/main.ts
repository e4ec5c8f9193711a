import { createRequire } from "node:module";
import { CommandFailure, EXIT, UsageError, type CliIO } from "./cli-io.js";
import { StoreUnavailableError } from "../../core/ports/index.js";
import { SettingsError } from "../../adapters/server-env/settings.js";

export { wantsColor } from "./cli-io.js";

type Command = (args: string[], io: CliIO) => Promise<number>;

/**
 * Each command is loaded when it runs, with only what it needs: `--version` and `--help` load
 * none, `validate` never loads the store, Terraform or cdktf (issue 12: start-up).
 */
const commands: Record<string, () => Promise<Command>> = {
  init: async () => (await import("./commands/init.js")).initCommand,
  validate: async () => (await import("./commands/validate.js")).validateCommand,
  plan: async () => (await import("./commands/run-operation.js")).operationCommand("plan"),
  apply: async () => (await import("./commands/run-operation.js")).operationCommand("apply"),
  destroy: async () => (await import("./commands/run-operation.js")).operationCommand("destroy"),
  status: async () => (await import("./commands/status.js")).statusCommand,
  history: async () => (await import("./commands/history.js")).historyCommand,
  logs: async () => (await import("./commands/logs.js")).logsCommand,
  audit: async () => (await import("./commands/audit.js")).auditCommand,
  notifications: async () => (await import("./commands/notifications.js")).notificationsCommand,
  inventory: async () => (await import("./commands/inventory.js")).inventoryCommand,
  find: async () => (await import("./commands/find.js")).findCommand,
  orphans: async () => (await import("./commands/orphans.js")).orphansCommand,
  cost: async () => (await import("./commands/cost.js")).costCommand,
  context: async () => (await import("./commands/context.js")).contextCommand,
  reconcile: async () => (await import("./commands/reconcile.js")).reconcileCommand,
  server: async () => (await import("./commands/serve.js")).serveCommand("server"),
  worker: async () => (await import("./commands/serve.js")).serveCommand("worker"),
};

const usage = `Usage: envbot <command> [options]

Commands:
  init       write a starter environments repository (templates, a sandbox, CI) into DIR
  validate   check environment definitions, templates and .github/envbot.yml
  plan       show what applying an environment would change
  apply      create or update an environment (asks first, or --yes)
  destroy    destroy an environment (asks first, or --yes)
  status     list the environments and their status
  history    list an environment's runs, newest first
  logs       print a run's log (--follow while it runs)
  audit      list who did what in a repository (or to one environment), newest first
  notifications  show the deliveries to Slack, webhooks and AMQP; 'retry' the parked ones
  inventory  list the resources an environment holds (ids, ARNs, dependencies)
  find       find the environment that holds a resource, by ARN, id, type or attribute
  orphans    list cloud resources tagged for an environment but in no state (AWS)
  cost       a month's chargeback by owner, cost-center or template (--csv, --json)
  context    keep the envbot servers the commands can reach (--context NAME)
  reconcile  warn before expiry, destroy expired environments, report drift (--once)
  server     scale-out: take GitHub's webhooks, keep their jobs in PostgreSQL
  worker     scale-out: run the jobs, the reconcile schedules and event delivery
  version    print envbot's version (also --version, -v)

Run 'envbot <command> --help' for the options of a command.`;

/** The envbot command line. Returns the exit code; never throws for a user's mistake. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.stdout(`${usage}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  // Own keys only: "toString" or "constructor" are no commands.
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.stderr(`envbot: unknown command '${name}'\n\n${usage}\n`);
    return EXIT.usage;
  }
  try {
    return await (await load())(args, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`envbot ${name}: ${usageMessage(error as Error)}\nRun 'envbot ${name} --help' for usage.\n`);
      return EXIT.usage;
    }
    // The fleet's PostgreSQL (ENVBOT_DATABASE_URL) out of reach: its message names where, never the password.
    if (error instanceof CommandFailure || error instanceof StoreUnavailableError) {
      io.stderr(`envbot ${name}: ${error.message}\n`);
      return EXIT.failed;
    }
    // A setting of the environment envbot runs in is wrong: said as the server says it, with the
    // status of a call that cannot work as given.
    if (error instanceof SettingsError) {
      io.stderr(`envbot ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/**
 * Node's parser explains an unknown option at length, with quotes that do not pair up; the
 * option's name is what a person needs.
 */
function usageMessage(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) return `option ${option.split(" ")[0]} needs a value`;
  const argument = /'([^']*)'/.exec(error.message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && argument !== undefined) return `unexpected argument ${argument}`;
  return error.message;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

function packageVersion(): string {
  return (createRequire(import.meta.url)("../../../package.json") as { version: string }).version;
}
