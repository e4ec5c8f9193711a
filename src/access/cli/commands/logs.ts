import { parseArgs } from "node:util";
import { NAME_PATTERN } from "../../../core/environment/index.js";
import type { RunRecord } from "../../../core/ports/index.js";
import { formatRunEnd, formatRunHeading } from "../../../render/run-history-text.js";
import { CommandFailure, EXIT, UsageError, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { requireEnvironment } from "../environment-directory.js";
import { openRunSource } from "../runs/open-run-source.js";
import { printRunLog } from "../runs/print-run-log.js";

export const logsUsage = `Usage: envbot logs RUN|NAME [--follow] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]

Prints a run's log: Terraform's output as envbot kept it, secrets redacted. RUN is a run's id
(see 'envbot history NAME'); NAME is an environment, whose latest run is shown. The log lines go
to stdout, a line about the run to stderr.
Options:
  -f, --follow         go on printing while the run goes on; the exit status is then the run's
  --repo DIR           the environments repository (default: the one the current directory is in)
  --github OWNER/NAME  the environments the envbot App keeps for this GitHub repository
  --context CONTEXT    read them from that context's envbot server (see 'envbot context'); also
                       ENVBOT_CONTEXT. --github, else the context's repository, names the repository
  -h, --help           show this help
Exit status: 0 shown (with --follow: the run succeeded), 1 no such run or environment, or with
--follow the run did not succeed, 2 usage error.`;

/** A run's id, as `history` shows it. */
const RUN_ID = /^[1-9][0-9]{0,14}$/;

export async function logsCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      follow: { type: "boolean", short: "f" },
      ...WHERE_OPTIONS,
      ...HELP_OPTION,
    },
  });
  if (values.help) return printUsage(io, logsUsage);
  if (positionals.length !== 1) throw new UsageError(`expected one run id or environment NAME, got ${positionals.length}`);
  const wanted = positionals[0]!;
  const byId = RUN_ID.test(wanted);
  if (!byId && !NAME_PATTERN.test(wanted)) throw new UsageError(`'${wanted}' is neither a run id nor an environment name`);
  const { source, repository, environments } = await openRunSource({ context: values.context, github: values.github, repo: values.repo, needsRepository: !byId }, io);
  try {
    let run: RunRecord | undefined;
    if (byId) {
      run = await source.getRun(Number(wanted));
      if (!run) throw new CommandFailure(`there is no run ${wanted}`);
    } else {
      await requireEnvironment(environments, repository!, wanted);
      const [latest] = await source.listRuns(repository!, wanted, 1);
      if (!latest) throw new CommandFailure(`${wanted} has no runs yet`);
      run = (await source.getRun(latest.id)) ?? latest;
    }
    io.stderr(`${formatRunHeading(run)}\n`);
    const shown = await printRunLog(source, run, { follow: values.follow === true, write: (line) => io.stdout(`${line}\n`) });
    if (!values.follow) return EXIT.ok;
    io.stderr(`${formatRunEnd(shown)}\n`);
    return shown.outcome === "succeeded" ? EXIT.ok : EXIT.failed;
  } finally {
    await source.close();
  }
}
