import { parseArgs } from "node:util";
import { suggestName } from "../../core/validation/suggest-name.js";
import { CommandFailure, EXIT, HELP_OPTION, printUsage, UsageError, type CliIO } from "./cli-io.js";
import { StoreUnavailableError } from "../../core/ports/index.js";
import { SettingsError } from "../../adapters/server-env/settings.js";
import { readFileSync } from "node:fs";
import { packageFile } from "../../adapters/package-paths.js";

export { wantsColor } from "./cli-io.js";

type Command = (args: string[], io: CliIO) => Promise<number>;

/**
 * Each command is loaded when it runs, with only what it needs: `version` and `help` load
 * none, `validate` never loads the store, Terraform or cdktf (issue 12: start-up).
 */
const commands: Record<string, () => Promise<Command>> = {
  init: async () => (await import("./commands/init.js")).initCommand,
  setup: async () => (await import("./commands/setup.js")).setupCommand,
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
  wake: async () => (await import("./commands/wake.js")).wakeCommand,
  ui: async () => (await import("./commands/ui.js")).uiCommand,
  server: async () => (await import("./commands/serve.js")).serveCommand("server"),
  worker: async () => (await import("./commands/serve.js")).serveCommand("worker"),
};

const usage = `Usage: envbot <command> [options]

Commands:
  init       write a starter environments repository (templates, a sandbox, CI) into DIR
  setup      create envbot's GitHub App from app.yml (GitHub's manifest flow), write its .env
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
  wake       wake an environment that sleeps outside its awake hours, for a while
  ui         the dashboard over this machine's records, on 127.0.0.1 (no GitHub)
  server     scale-out: take GitHub's webhooks, keep their jobs in PostgreSQL
  worker     scale-out: run the jobs, the reconcile schedules and event delivery
  version    print envbot's version (also --version, -v)

Run 'envbot help COMMAND' (or 'envbot COMMAND --help') for the options of a command.`;

/** The words that stand for `help` and `version`, as people type them. */
const HELP_WORDS = new Set(["help", "-h", "--help"]);
const VERSION_WORDS = new Set(["version", "-v", "--version"]);

/** The envbot command line. Returns the exit code; never throws for a user's mistake. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stdout(`${usage}\n`);
    return EXIT.usage;
  }
  if (HELP_WORDS.has(name)) return runCommand("help", helpCommand, args, io);
  if (VERSION_WORDS.has(name)) return runCommand("version", versionCommand, args, io);
  const load = commandNamed(name);
  if (!load) {
    // A likely slip needs one line; a word that is nothing like a command gets the list of them.
    const next = suggestCommand(name) === undefined ? `\n${usage}` : usageHint("help");
    io.stderr(`envbot: ${unknownCommandText(name)}\n${next}\n`);
    return EXIT.usage;
  }
  return runCommand(name, await load(), args, io);
}

/** Own keys only: "toString" or "constructor" are no commands. */
function commandNamed(name: string): (() => Promise<Command>) | undefined {
  return Object.hasOwn(commands, name) ? commands[name] : undefined;
}

/** Every word `envbot` takes as its first: the commands, help and version. */
export const COMMAND_NAMES: readonly string[] = [...Object.keys(commands), "help", "version"];

function suggestCommand(name: string): string | undefined {
  return suggestName(name, COMMAND_NAMES);
}

function unknownCommandText(name: string): string {
  const suggestion = suggestCommand(name);
  return `unknown command '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ""}`;
}

/** `envbot help [COMMAND]`: the list of commands, or that command's own --help. */
async function helpCommand(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: HELP_OPTION });
  if (positionals.length === 0) return printUsage(io, usage);
  if (positionals.length > 1) throw new UsageError(`expected one COMMAND, got ${positionals.length}`);
  const topic = positionals[0]!;
  if (VERSION_WORDS.has(topic)) return versionCommand(["--help"], io);
  if (HELP_WORDS.has(topic)) return printUsage(io, usage);
  const load = commandNamed(topic);
  if (!load) throw new UsageError(unknownCommandText(topic));
  return (await load())(["--help"], io);
}

const versionUsage = `Usage: envbot version

Prints envbot's version (also --version, -v).`;

async function versionCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: HELP_OPTION });
  if (values.help) return printUsage(io, versionUsage);
  io.stdout(`${packageVersion()}\n`);
  return EXIT.ok;
}

/** Runs one command, turning the mistakes a person can make into their messages and exit codes. */
async function runCommand(name: string, command: Command, args: string[], io: CliIO): Promise<number> {
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`envbot ${name}: ${usageMessage(error as Error)}\n${usageHint(name)}\n`);
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

function usageHint(name: string): string {
  return name === "help" ? "Run 'envbot help' for the list of commands." : `Run 'envbot ${name} --help' for usage.`;
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
  return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
}
