import { parseArgs } from "node:util";
import { costedEnvironments, monthlyCostReport, monthRange, type CostGrouping } from "../../../core/cost/index.js";
import { costReportCsv, formatCostReport } from "../../../render/cost-text.js";
import { EXIT, UsageError, type CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { parseGitHubRepository } from "../local-repository.js";

const GROUPINGS: readonly CostGrouping[] = ["owner", "cost-center", "template", "environment"];

export const costUsage = `Usage: envbot cost [--month YYYY-MM] [--by owner|cost-center|template|environment] [--csv | --json] [--github OWNER/NAME]

Chargeback for one month (UTC): each environment's hours within it, from its first apply to its
destroy (one still running counts up to now), times the hourly price its plan recorded
(template.yaml's cost.hourly, else envbot's estimate from its resource types), grouped and summed,
the most expensive first. Reads every environment of the data directory (ENVBOT_DATA_DIR; on the
App's server, every repository it keeps), or of --github OWNER/NAME.
Options:
  --month YYYY-MM      the month (default: this month)
  --by GROUPING        owner (default), cost-center (the environment's cost-center label),
                       template or environment
  --csv                print CSV for a spreadsheet (header, CRLF lines)
  --json               print the report as JSON
  --github OWNER/NAME  only this GitHub repository's environments
  -h, --help           show this help
Exit status: 0 reported, 2 usage error.`;

export async function costCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { month: { type: "string" }, by: { type: "string" }, csv: { type: "boolean" }, json: { type: "boolean" }, github: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    io.stdout(`${costUsage}\n`);
    return EXIT.ok;
  }
  const now = io.now();
  const month = values.month ?? now.toISOString().slice(0, 7);
  try {
    monthRange(month);
  } catch {
    throw new UsageError(`--month takes a month like 2026-11, not '${month}'`);
  }
  const by = (values.by ?? "owner") as CostGrouping;
  if (!GROUPINGS.includes(by)) throw new UsageError(`--by takes ${GROUPINGS.join(", ")}, not '${values.by}'`);
  if (values.csv && values.json) throw new UsageError("give --csv or --json, not both");
  const repositories = values.github === undefined ? undefined : [parseGitHubRepository(values.github, "--github")];
  const { deps } = await localEngine(io.env, io.cwd, (line) => io.stderr(`${line}\n`));
  try {
    const report = monthlyCostReport({ month, by, environments: await costedEnvironments(deps.store, repositories), now });
    if (values.csv) io.stdout(costReportCsv(report));
    else if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(`${formatCostReport(report)}\n`);
    return EXIT.ok;
  } finally {
    await deps.store.close();
  }
}
