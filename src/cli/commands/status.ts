import { parseArgs } from "node:util";
import { formatStatusTable } from "../../render/plan-text.js";
import { EXIT, type CliIO } from "../cli-io.js";
import { LOCAL_REPOSITORY, localEngine } from "../local-engine.js";

export const statusUsage = `Usage: envbot status [--repo DIR] [--json]

Lists the environments envbot has planned or applied from this checkout, with their status
(planned, applying, active, destroying, destroyed, failed) and their last run.`;

export async function statusCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: { repo: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    io.stdout(`${statusUsage}\n`);
    return EXIT.ok;
  }
  const { deps } = localEngine(io.env, io.cwd);
  try {
    const records = await deps.store.listEnvironments(LOCAL_REPOSITORY);
    if (!values.json) {
      io.stdout(`${formatStatusTable(records)}\n`);
      return EXIT.ok;
    }
    const listed = [];
    for (const r of records) {
      const [lastRun] = await deps.store.listRuns(r.repository, r.name, 1);
      listed.push({
        name: r.name,
        status: r.status,
        template: r.template,
        owner: r.owner,
        firstAppliedAt: r.firstAppliedAt?.toISOString() ?? null,
        expiresAt: r.expiresAt?.toISOString() ?? null,
        updatedAt: r.updatedAt.toISOString(),
        lastRun: lastRun ? { id: lastRun.id, kind: lastRun.kind, outcome: lastRun.outcome, error: lastRun.error ?? null } : null,
      });
    }
    io.stdout(`${JSON.stringify(listed, null, 2)}\n`);
    return EXIT.ok;
  } finally {
    await deps.store.close();
  }
}
