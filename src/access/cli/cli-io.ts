import type { Settings } from "../../adapters/server-env/settings.js";
import type { Actor } from "../../core/authorization/actor.js";
import type { EngineDeps } from "../../core/engine/index.js";
import type { Store } from "../../core/ports/index.js";
import { NAME_PATTERN } from "../../core/environment/index.js";

/** What a command may touch of its process: injected so tests run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** True when a person can answer questions (stdin and stderr are terminals). */
  interactive: boolean;
  /** Colour on stdout: a terminal, and NO_COLOR not set. */
  color?: boolean;
  /** Asks on the terminal and returns the answer ("" when there is none). */
  ask: (question: string) => Promise<string>;
  /** As ask, without echoing what is typed (an API token); ask stands in where it is missing. */
  askSecret?: (question: string) => Promise<string>;
  /**
   * Runs a long-lived role of scale-out until a signal stops it; the composition root (bin)
   * provides it, so the command line never reaches up into the server. Throws SettingsError-named
   * errors for bad settings.
   */
  serve?: (role: "server" | "worker") => Promise<void>;
  /** The engine builder the composition root (composition/main-cli.ts) gives the commands. */
  openEngine?: OpenEngine;
  /** `envbot ui`'s server, which the composition root (composition/main-cli.ts) builds. */
  serveLocalDashboard?: ServeLocalDashboard;
}

/**
 * Serves the dashboard and the REST API over `store`'s records of one checkout (`repository`,
 * its absolute path) on 127.0.0.1 (`port`, 0: a free one), to whoever opens `url`, acting as
 * `login`; `stopped` resolves once Ctrl-C (SIGINT) or SIGTERM stopped the server. Rejects with
 * the listener's error (EADDRINUSE) when the port cannot be had.
 */
export type ServeLocalDashboard = (options: { store: Store; repository: string; login: string; port: number; log: (line: string) => void }) => Promise<{
  url: string;
  /** The checkout as the dashboard names it. */
  shownAs: string;
  stopped: Promise<void>;
}>;

/** The engine a command works with, the settings it was built from, and who runs the command. */
export interface LocalEngine {
  deps: EngineDeps;
  settings: Settings;
  actor: Actor;
}

/** Builds the engine on the store the settings name (the composition root provides it: composition/main-cli.ts). */
export type OpenEngine = (env: NodeJS.ProcessEnv, cwd: string, tell: (line: string) => void) => Promise<LocalEngine>;

/** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org) or TERM is dumb. */
export function wantsColor(stdoutIsTerminal: boolean, env: NodeJS.ProcessEnv): boolean {
  return stdoutIsTerminal && !env.NO_COLOR && env.TERM !== "dumb";
}

/** Exit codes shared by every command (README "Exit status"). */
export const EXIT = { ok: 0, failed: 1, usage: 2, /** The person answered anything but "yes" at the confirmation. */ declined: 3 } as const;

/**
 * Where a command reads its records, the same in every command that reads them: a checkout
 * (--repo), what the envbot App keeps for a GitHub repository (--github), or a server (--context).
 */
export const WHERE_OPTIONS = { repo: { type: "string" }, github: { type: "string" }, context: { type: "string" } } as const;

/** -h, --help: see printUsage. */
export const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** A command's --help: its usage on stdout, exit status 0. */
export function printUsage(io: CliIO, usage: string): number {
  io.stdout(`${usage}\n`);
  return EXIT.ok;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** The one positional argument of a command about one environment, checked as a name; a UsageError otherwise. */
export function oneEnvironmentName(positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new UsageError(`expected one environment NAME, got ${positionals.length}`);
  const name = positionals[0]!;
  if (!NAME_PATTERN.test(name)) throw new UsageError(`'${name}' is not an environment name`);
  return name;
}

/** `--limit N`: a whole number from 1 to `max`, `fallback` when not given; a UsageError otherwise. */
export function parseLimit(text: string | undefined, fallback: number, max: number): number {
  const given = text ?? String(fallback);
  if (!/^[1-9][0-9]*$/.test(given) || Number(given) > max) throw new UsageError(`--limit takes a whole number from 1 to ${max}, not '${given}'`);
  return Number(given);
}

/**
 * An expected failure the person can act on (a refused token, a server that cannot be reached):
 * printed as `envbot COMMAND: message`, exit code 1, never with a stack.
 */
export class CommandFailure extends Error {}
