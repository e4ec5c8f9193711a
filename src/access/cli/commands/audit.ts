import { parseArgs } from "node:util";
import { NAME_PATTERN } from "../../../core/environment/index.js";
import { auditJson, formatAuditTrail } from "../../../render/audit-text.js";
import { openAuditSource } from "../audit/open-audit-source.js";
import { EXIT, parseLimit, UsageError, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { displayRepository } from "../local-repository.js";

/** Entries shown unless --limit says (the API's default page). */
const DEFAULT_AUDIT = 50;
/** The most --limit takes: a longer trail is for the API's pages. */
export const AUDIT_LIMIT_MAX = 1000;

export const auditUsage = `Usage: envbot audit [NAME] [--limit N] [--json] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]

Lists the repository's audit trail, newest first: when (UTC, to the minute), who, the way in
(pull-request, comment, api-token, dashboard, cli, reconciler, ...), what was asked, the
environment, the outcome (accepted, refused, failed, or what it produced) and the first line of
the detail. NAME narrows it to one environment.
Options:
  --limit N            at most N entries (default ${DEFAULT_AUDIT}, at most ${AUDIT_LIMIT_MAX})
  --json               print the entries as JSON on stdout, as the API's GET /api/v1/audit has them
  --repo DIR           the environments repository (default: the one the current directory is in)
  --github OWNER/NAME  the audit trail the envbot App keeps for this GitHub repository
  --context CONTEXT    read it from that context's envbot server (see 'envbot context'); also
                       ENVBOT_CONTEXT. --github, else the context's repository, names the repository
  -h, --help           show this help
Exit status: 0 listed, 1 the server failed, 2 usage error.`;

export async function auditCommand(args: string[], io: CliIO): Promise<number> {
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
  if (values.help) return printUsage(io, auditUsage);
  if (positionals.length > 1) throw new UsageError(`expected at most one environment NAME, got ${positionals.length}`);
  const environment = positionals[0];
  if (environment !== undefined && !NAME_PATTERN.test(environment)) throw new UsageError(`'${environment}' is not an environment name`);
  const limit = parseLimit(values.limit, DEFAULT_AUDIT, AUDIT_LIMIT_MAX);
  const { source, repository } = await openAuditSource({ context: values.context, github: values.github, repo: values.repo }, io);
  try {
    const entries = await source.listAudit({ repository, environment, limit });
    if (values.json) io.stdout(`${JSON.stringify(entries.map(auditJson), null, 2)}\n`);
    else io.stdout(`${formatAuditTrail({ repository: displayRepository(repository), environment, entries })}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}
