import { parseArgs } from "node:util";
import { formatContextList } from "../../../render/context-list-text.js";
import { EXIT, UsageError, type CliIO } from "../cli-io.js";
import {
  contextsFilePath,
  isCleartextRemote,
  parseApiToken,
  parseContextName,
  parseServerUrl,
  readContexts,
  writeContexts,
  type Context,
  type Contexts,
} from "../contexts/index.js";
import { parseGitHubRepository } from "../local-repository.js";

export const contextUsage = `Usage: envbot context [list]
       envbot context add CONTEXT URL [--token-env VAR] [--repository OWNER/NAME]
       envbot context use CONTEXT
       envbot context remove CONTEXT

Keeps the envbot servers this command line can reach. A context is a server's URL, an API token
(envbot_..., created in the dashboard or with POST /api/v1/tokens) and, optionally, the GitHub
repository its commands are about. status, history, logs and plan act on a context's server
with --context CONTEXT or ENVBOT_CONTEXT=CONTEXT; without either they stay on this machine,
whichever context is current.

  add      keeps a context (again: replaces it). The token is read from the environment
           variable --token-env names (default ENVBOT_TOKEN), else asked for on a terminal.
           The first context added becomes the current one.
  use      makes CONTEXT the current one
  list     the contexts, the current one marked with *; never their tokens (the default)
  remove   forgets CONTEXT and its token
Options:
  --token-env VAR            the environment variable holding the token (default ENVBOT_TOKEN)
  --repository OWNER/NAME    the repository when a command gets no --github
  -h, --help                 show this help
The contexts are kept in $ENVBOT_CONFIG_DIR/contexts.json (default: $XDG_CONFIG_HOME/envbot/, else
~/.config/envbot/), written with mode 0600 in a directory of mode 0700. Exit status: 0 done,
2 usage error.`;

const ENVIRONMENT_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Subcommand = (args: string[], io: CliIO, kept: KeptContexts) => Promise<number>;

/** The contexts file, read, and how to write it back. */
interface KeptContexts {
  file: string;
  contexts: Contexts;
  save(contexts: Contexts): Promise<void>;
}

const subcommands: Record<string, Subcommand> = { add: addContext, use: useContext, list: listContexts, remove: removeContext };

export async function contextCommand(args: string[], io: CliIO): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    io.stdout(`${contextUsage}\n`);
    return EXIT.ok;
  }
  // Options before any subcommand are list's (the default): an unknown one is named as an option.
  const [name = "list", ...rest] = args[0]?.startsWith("-") ? ["list", ...args] : args;
  const subcommand = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (!subcommand) throw new UsageError(`unknown subcommand '${name}': add, use, list or remove`);
  const file = contextsFilePath(io.env, io.cwd);
  const contexts = await readContexts(file, (line) => io.stderr(`${line}\n`));
  return subcommand(rest, io, { file, contexts, save: (changed) => writeContexts(file, changed) });
}

async function addContext(args: string[], io: CliIO, kept: KeptContexts): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { "token-env": { type: "string" }, repository: { type: "string" } } });
  if (positionals.length !== 2) throw new UsageError(`context add takes CONTEXT and URL, got ${positionals.length} argument${positionals.length === 1 ? "" : "s"}`);
  const name = parseContextName(positionals[0]!);
  const url = parseServerUrl(positionals[1]!);
  const repository = values.repository === undefined ? undefined : parseGitHubRepository(values.repository, "--repository");
  const token = await readToken(values["token-env"] ?? "ENVBOT_TOKEN", `${name} (${url})`, io);
  const context: Context = { name, url, token, ...(repository ? { repository } : {}) };
  const existed = kept.contexts.contexts.some((c) => c.name === name);
  const contexts = existed ? kept.contexts.contexts.map((c) => (c.name === name ? context : c)) : [...kept.contexts.contexts, context];
  const current = kept.contexts.current ?? name;
  await kept.save({ current, contexts });
  io.stdout(`${existed ? "Replaced" : "Added"} context ${name}: ${url}${repository ? `, repository ${repository}` : ""}${current === name ? " (current)" : ""}.\n`);
  io.stdout(`Use it with --context ${name} or ENVBOT_CONTEXT=${name}.\n`);
  if (isCleartextRemote(url)) io.stderr(`warning: ${url} is plain http: the token travels unencrypted; use https beyond this machine.\n`);
  return EXIT.ok;
}

/** The token from the environment variable, else from the person at the terminal; its text is never printed. */
async function readToken(variable: string, forWhat: string, io: CliIO): Promise<string> {
  if (!ENVIRONMENT_VARIABLE.test(variable)) throw new UsageError(`--token-env takes the name of an environment variable, not '${variable}'`);
  const fromEnv = io.env[variable];
  if (fromEnv) return parseApiToken(fromEnv, variable);
  if (io.interactive) return parseApiToken(await (io.askSecret ?? io.ask)(`API token for ${forWhat}: `), "the answer");
  throw new UsageError(`no API token: set ${variable} to it${variable === "ENVBOT_TOKEN" ? " (or name another variable with --token-env)" : ""}, or run on a terminal to be asked for it`);
}

async function useContext(args: string[], io: CliIO, kept: KeptContexts): Promise<number> {
  const name = keptName(args, "use", kept);
  await kept.save({ ...kept.contexts, current: name });
  io.stdout(`Context ${name} is the current one.\n`);
  return EXIT.ok;
}

async function listContexts(args: string[], io: CliIO, kept: KeptContexts): Promise<number> {
  parseArgs({ args, options: {} });
  io.stdout(`${formatContextList(kept.contexts, kept.file)}\n`);
  return EXIT.ok;
}

async function removeContext(args: string[], io: CliIO, kept: KeptContexts): Promise<number> {
  const name = keptName(args, "remove", kept);
  const contexts = kept.contexts.contexts.filter((c) => c.name !== name);
  const current = kept.contexts.current === name ? undefined : kept.contexts.current;
  await kept.save({ ...(current ? { current } : {}), contexts });
  io.stdout(`Removed context ${name}; its token is forgotten here (revoke it on the server if nothing else uses it).\n`);
  return EXIT.ok;
}

/** The one CONTEXT argument, which must name a kept context. */
function keptName(args: string[], subcommand: string, kept: KeptContexts): string {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError(`context ${subcommand} takes one CONTEXT, got ${positionals.length}`);
  const name = positionals[0]!;
  if (kept.contexts.contexts.some((c) => c.name === name)) return name;
  const names = kept.contexts.contexts.map((c) => c.name);
  throw new UsageError(`there is no context '${name}'${names.length > 0 ? `: the contexts are ${names.join(", ")}` : ": there are none yet"}`);
}
