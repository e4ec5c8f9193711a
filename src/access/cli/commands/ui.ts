import { parseArgs } from "node:util";
import { actorText } from "../../../core/authorization/actor.js";
import { EXIT, HELP_OPTION, printUsage, UsageError, type CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { displayRepository, localRepository } from "../local-repository.js";
import { repositoryDirectory } from "../repository-directory.js";

export const uiUsage = `Usage: envbot ui [--repo DIR] [--port N]

Serves envbot's dashboard and REST API on this machine, over the command line's own records of
this repository (--repo, default: the one the current directory is in): its environments, their
runs and logs (live while they run), inventories, cost and audit trail. No GitHub App, no
sign-in: it prints an address with a random token; opening it in a browser signs that browser
in as you (cli:USER), for this repository alone, until envbot ui stops. It listens on 127.0.0.1
only (HOST may name no other address). The dashboard's actions (Plan now, Extend, Unlock,
Destroy, Request an environment) need the GitHub App: here they answer that they are not
available locally; run envbot plan, apply or destroy instead. Stops on Ctrl-C.

Options:
  --repo DIR   the environments repository (default: the one the current directory is in)
  --port N     the port on 127.0.0.1 (default: a free one)
  -h, --help   show this help

Exit status: 0 stopped by Ctrl-C, 1 the server could not start, 2 usage error.`;

/** `envbot ui`: the dashboard over this machine's records, served by the composition root until Ctrl-C. */
export async function uiCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: { repo: { type: "string" }, port: { type: "string" }, ...HELP_OPTION } });
  if (values.help) return printUsage(io, uiUsage);
  const port = portOf(values.port);
  const host = io.env.HOST;
  if (host !== undefined && host !== "" && host !== "127.0.0.1" && host !== "localhost") {
    throw new UsageError(`HOST is ${host}: envbot ui listens on 127.0.0.1 only, so that no other machine reaches your records (unset HOST)`);
  }
  if (!io.serveLocalDashboard) {
    io.stderr("envbot ui: this envbot cannot serve the dashboard (started without its composition root)\n");
    return EXIT.failed;
  }
  const { repoDir, shownAs } = await repositoryDirectory(io.cwd, values.repo);
  const repository = await localRepository(repoDir, shownAs);
  const { deps, settings, actor } = await localEngine(io);
  try {
    const login = actorText(actor);
    let dashboard;
    try {
      dashboard = await io.serveLocalDashboard({ store: deps.store, repository, login, port, log: (line) => io.stderr(`${line}\n`) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new UsageError(`--port: port ${port} is in use on 127.0.0.1 (leave --port out for a free one)`);
      throw error;
    }
    const records = settings.databaseUrl === undefined ? `data directory ${displayRepository(settings.dataDir)}` : "the records of ENVBOT_DATABASE_URL";
    io.stdout(
      [
        `The dashboard of ${displayRepository(repository)} (${records}; shown as ${dashboard.shownAs}).`,
        `Open this address in a browser; it signs you in as ${login}:`,
        "",
        `  ${dashboard.url}`,
        "",
        "Ctrl-C stops.",
        "",
      ].join("\n"),
    );
    await dashboard.stopped;
    io.stdout("envbot ui stopped.\n");
    return EXIT.ok;
  } finally {
    await deps.store.close();
  }
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`--port takes a port number, not '${text}'`);
  return Number(text);
}
