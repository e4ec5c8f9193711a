import { parseArgs } from "node:util";
import { formatOrphans, formatOrphanSweeps } from "../../../render/orphan-text.js";
import { EXIT, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { displayRepository } from "../local-repository.js";
import { openOrphanSource } from "../orphans/open-orphan-source.js";

export const orphansUsage = `Usage: envbot orphans [--json] [--repo DIR] [--github OWNER/NAME]
       envbot orphans --context CONTEXT [--github OWNER/NAME] [--json]

Lists the cloud resources that carry this repository's envbot tags (envbot:repository,
envbot:environment) but are in no environment's state: left behind by a failed destroy, or made
by hand. It asks the AWS Resource Groups Tagging API of the region envbot uses (ENVBOT_AWS_REGION,
ENVBOT_AWS_ENDPOINT) with this machine's AWS credentials, and compares with the inventories the
data directory holds. Nothing is deleted.
--context CONTEXT (or ENVBOT_CONTEXT) asks that context's envbot server (see 'envbot context')
instead, without AWS credentials here: what its latest orphan sweep (schedules.orphans in
.github/envbot.yml, opt-in) of each repository the token may read found, and when; or only of
--github OWNER/NAME. A repository never swept says so.
Options:
  --json               print the orphans as JSON on stdout ({repository, region, orphans}; with
                       a context {items} as the API's GET /api/v1/orphans has them, without the
                       repositories never swept)
  --repo DIR           the environments repository (default: the one the current directory is in)
  --github OWNER/NAME  compare with the environments the envbot App keeps for this GitHub
                       repository; with a context, only this repository's sweep
  --context CONTEXT    read the server's sweeps (see above)
  -h, --help           show this help
Exit status: 0 nothing left behind, 1 something is (or AWS or the server could not be asked),
2 usage error.`;

export async function orphansCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: "boolean" }, ...WHERE_OPTIONS, ...HELP_OPTION },
  });
  if (values.help) return printUsage(io, orphansUsage);
  const source = await openOrphanSource({ context: values.context, github: values.github, repo: values.repo }, io);
  try {
    const { sweeps, unswept } = await source.sweeps();
    if (source.recorded) {
      // The API's items: a Date's JSON is the ISO text the API answers.
      if (values.json) io.stdout(`${JSON.stringify({ items: sweeps }, null, 2)}\n`);
      else io.stdout(`${formatOrphanSweeps({ sweeps, unswept })}\n`);
    } else {
      // Asked now, of one repository.
      const { repository, region, orphans } = sweeps[0]!;
      if (values.json) io.stdout(`${JSON.stringify({ repository, region, orphans }, null, 2)}\n`);
      else io.stdout(`${formatOrphans({ repository: displayRepository(repository), region, orphans })}\n`);
    }
    return sweeps.some((sweep) => sweep.orphans.length > 0) ? EXIT.failed : EXIT.ok;
  } finally {
    await source.close();
  }
}
