import { parseArgs } from "node:util";
import { COST_GROUPINGS, isCostGrouping, monthRange } from "../../../core/cost/index.js";
import { costReportCsv, formatCostReport } from "../../../render/cost-text.js";
import { EXIT, UsageError, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { openCostSource } from "../cost/open-cost-source.js";

export const costUsage = `Usage: envbot cost [--month YYYY-MM] [--by owner|cost-center|template|environment] [--csv | --json] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]

Chargeback for one month (UTC): each environment's hours within it, from its first apply to its
destroy (one still running counts up to now), times the hourly price its plan recorded
(template.yaml's cost.hourly, else envbot's estimate from its resource types), grouped and summed,
the most expensive first. Reads every environment of the data directory (ENVBOT_DATA_DIR; on the
App's server, every repository it keeps; with ENVBOT_DATABASE_URL, the fleet's PostgreSQL), or of
the checkout --repo DIR names, or of --github OWNER/NAME.
Options:
  --month YYYY-MM      the month (default: this month)
  --by GROUPING        owner (default), cost-center (the environment's cost-center label),
                       template or environment
  --csv                print CSV for a spreadsheet (header, CRLF lines)
  --json               print the report as JSON (as the API's GET /api/v1/cost has it)
  --repo DIR           only the environments of this repository (a checkout, as in the other
                       commands; default: every repository)
  --github OWNER/NAME  only this GitHub repository's environments
  --context CONTEXT    ask that context's envbot server (see 'envbot context'); also
                       ENVBOT_CONTEXT. It reports every repository the token may read, or only
                       --github OWNER/NAME; without --month, the server's current month
  -h, --help           show this help
Exit status: 0 reported, 1 the server failed, 2 usage error.`;

export async function costCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      month: { type: "string" },
      by: { type: "string" },
      csv: { type: "boolean" },
      json: { type: "boolean" },
      ...WHERE_OPTIONS,
      ...HELP_OPTION,
    },
  });
  if (values.help) return printUsage(io, costUsage);
  const month = values.month;
  if (month !== undefined) {
    try {
      monthRange(month);
    } catch {
      throw new UsageError(`--month takes a month like 2026-11, not '${month}'`);
    }
  }
  const by = values.by ?? "owner";
  if (!isCostGrouping(by)) throw new UsageError(`--by takes ${COST_GROUPINGS.join(", ")}, not '${by}'`);
  if (values.csv && values.json) throw new UsageError("give --csv or --json, not both");
  const { source, repository } = await openCostSource({ context: values.context, github: values.github, repo: values.repo }, io);
  try {
    const report = await source.report({ month, by, repository });
    if (values.csv) io.stdout(costReportCsv(report));
    else if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(`${formatCostReport(report)}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}
