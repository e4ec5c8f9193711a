import { parseArgs } from "node:util";
import { formatRunHistory, runJson } from "../../../render/run-history-text.js";
import { EXIT, oneEnvironmentName, parseLimit, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { requireEnvironment } from "../environment-directory.js";
import { displayRepository } from "../local-repository.js";
import { openRunSource } from "../runs/open-run-source.js";

/** Runs shown unless --limit says. */
const DEFAULT_HISTORY = 20;
/** The most --limit takes: a longer history is for the API's pages. */
export const HISTORY_LIMIT_MAX = 1000;

export const historyUsage = `Usage: envbot history NAME [--limit N] [--json] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]

Lists the runs of environment NAME, newest first: id, kind (plan, apply, destroy, drift),
outcome, who asked, the commit, when it started, how long it took and, when it failed, why.
'envbot logs RUN' prints a run's log.
Options:
  --limit N            at most N runs (default ${DEFAULT_HISTORY}, at most ${HISTORY_LIMIT_MAX})
  --json               print the runs as JSON on stdout
  --repo DIR           the environments repository (default: the one the current directory is in)
  --github OWNER/NAME  the environments the envbot App keeps for this GitHub repository
  --context CONTEXT    read them from that context's envbot server (see 'envbot context'); also
                       ENVBOT_CONTEXT. --github, else the context's repository, names the repository
  -h, --help           show this help
Exit status: 0 listed, 1 no such environment (or the server failed), 2 usage error.`;

export async function historyCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      limit: { type: "string" },
      json: { type: "boolean" },
      ...WHERE_OPTIONS,
      ...HELP_OPTION,
    },
  });
  if (values.help) return printUsage(io, historyUsage);
  const name = oneEnvironmentName(positionals);
  const limit = parseLimit(values.limit, DEFAULT_HISTORY, HISTORY_LIMIT_MAX);
  const { source, repository, environments } = await openRunSource({ context: values.context, github: values.github, repo: values.repo, needsRepository: true }, io);
  try {
    await requireEnvironment(environments, repository!, name);
    const runs = await source.listRuns(repository!, name, limit);
    if (values.json) io.stdout(`${JSON.stringify(runs.map(runJson), null, 2)}\n`);
    else io.stdout(`Runs of ${name} in ${displayRepository(repository!)}:\n${formatRunHistory(name, runs)}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}
