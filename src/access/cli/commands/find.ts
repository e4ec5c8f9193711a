import { parseArgs } from "node:util";
import { formatFoundResources } from "../../../render/inventory-text.js";
import { EXIT, parseLimit, UsageError, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { openInventorySource } from "../inventory/open-inventory-source.js";
import { displayRepository } from "../local-repository.js";

/** Matches shown unless --limit says (the API's default page). */
const DEFAULT_FOUND = 50;
/** The most --limit takes: the API's largest page. */
export const FIND_LIMIT_MAX = 100;
/** The longest QUERY, as the API takes it (src/access/api/routes/inventory-routes.ts). */
export const FIND_QUERY_MAX = 512;

export const findUsage = `Usage: envbot find QUERY [--limit N] [--json] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]

Finds the environments that hold a resource, as envbot recorded their resources after each
apply. QUERY is the resource's ARN, the cloud's id for it (a bucket's name, an instance id), its
type (aws_s3_bucket), its address, the value of one of its attributes (one level down too), or
KEY=VALUE for that attribute only (tags.team=payments). One line per match: the repository and
environment, the resource's address and what matched (arn, id, type, address or the attribute).
Options:
  --limit N            at most N matches (default ${DEFAULT_FOUND}, at most ${FIND_LIMIT_MAX})
  --json               print {items} as the API's GET /api/v1/resources has them
  --repo DIR           search the environments of this repository (default: the one the
                       current directory is in)
  --github OWNER/NAME  search the environments the envbot App keeps for this GitHub repository
  --context CONTEXT    search on that context's envbot server (see 'envbot context'); also
                       ENVBOT_CONTEXT. It searches every repository the token may read, or only
                       --github OWNER/NAME
  -h, --help           show this help
Exit status: 0 searched (a match or not), 1 the server failed, 2 usage error.`;

export async function findCommand(args: string[], io: CliIO): Promise<number> {
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
  if (values.help) return printUsage(io, findUsage);
  if (positionals.length !== 1) throw new UsageError(`expected one QUERY, got ${positionals.length} (quote a query with spaces)`);
  const query = positionals[0]!;
  if (query.length === 0 || query.length > FIND_QUERY_MAX) throw new UsageError(`QUERY takes 1 to ${FIND_QUERY_MAX} characters`);
  const limit = parseLimit(values.limit, DEFAULT_FOUND, FIND_LIMIT_MAX);
  const { source, repository } = await openInventorySource({ context: values.context, github: values.github, repo: values.repo, wholeServer: true }, io);
  try {
    const items = await source.find(query, { repository, limit });
    if (values.json) io.stdout(`${JSON.stringify({ items }, null, 2)}\n`);
    else io.stdout(`${formatFoundResources({ query, items, display: (r) => displayRepository(r) })}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}
