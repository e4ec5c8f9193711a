import { describeStore } from "../../../adapters/server-env/settings.js";
import { parseArgs } from "node:util";
import { formatParkedNotice } from "../../../render/notification-text.js";
import { shownStatus } from "../../../core/hibernation/shown-status.js";
import { formatDependencyLines, formatStatusTable } from "../../../render/plan-text.js";
import { recordedDependencies } from "../../../core/dependencies/recorded-dependencies.js";
import { EXIT, oneEnvironmentName, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { localEnvironmentDirectory, requireEnvironment } from "../environment-directory.js";
import path from "node:path";
import { LEGACY_LOCAL_REPOSITORY, localEngine } from "../local-engine.js";
import { commandRepository, displayRepository, commandRecordsRepository } from "../local-repository.js";
import { repositoryDirectory } from "../repository-directory.js";
import { remoteRepository, remoteTarget } from "../remote/remote-target.js";
import { remoteStatus } from "./remote-status.js";

export const statusUsage = `Usage: envbot status [NAME] [--repo DIR] [--github OWNER/NAME] [--json]
       envbot status [NAME] --context CONTEXT [--github OWNER/NAME] [--json]

Lists the environments envbot has planned or applied from this repository (--repo, default: the
one the current directory is in), with their status (planned, applying, active, expiring,
destroying, destroyed, failed) and their last run; NAME shows only that environment (exit
status 1 when there is no such environment), with the environments whose outputs it takes and
those that take its outputs. Another checkout's environments are its own, even with the same
names.
--github OWNER/NAME shows those the envbot App keeps for that GitHub repository instead.
With ENVBOT_DATABASE_URL set (scale-out), the records are the fleet's PostgreSQL, and the first
line names it (host, port and database; never the password).
--context CONTEXT (or ENVBOT_CONTEXT) asks that context's envbot server (see 'envbot context')
for the environments of --github OWNER/NAME, else of the context's repository; --json then
prints the API's items.
When notifications to a target (Slack, a webhook, AMQP) are parked, a last line says how many;
'envbot notifications' shows and retries them.`;

export async function statusCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" }, ...WHERE_OPTIONS, ...HELP_OPTION },
  });
  if (values.help) return printUsage(io, statusUsage);
  const name = positionals.length === 0 ? undefined : oneEnvironmentName(positionals);
  const target = await remoteTarget(values.context, io);
  if (target) return remoteStatus(target, remoteRepository(target, values), { name, json: values.json }, io);
  const written = await commandRepository({ ...(await repositoryDirectory(io.cwd, values.repo)), github: values.github });
  const { deps, settings } = await localEngine(io);
  try {
    const repository = await commandRecordsRepository(deps.store, written);
    if (name !== undefined) await requireEnvironment(localEnvironmentDirectory(deps.store), repository, name);
    const all = await deps.store.listEnvironments(repository);
    const records = all.filter((r) => name === undefined || r.name === name);
    if (!values.json) {
      // Which records these are: this machine's data directory, or the fleet's PostgreSQL (scale-out).
      const source = settings.databaseUrl === undefined ? `data directory ${displayRepository(settings.dataDir)}` : `records: ${describeStore(settings)}`;
      io.stdout(`Environments of ${displayRepository(repository)} (${source}):\n${formatStatusTable(records)}\n`);
      if (name !== undefined && records[0]) {
        const dependencies = formatDependencyLines(recordedDependencies(records[0], all));
        if (dependencies !== "") io.stdout(`${dependencies}\n`);
      }
      // Deliveries that gave up are every checkout's concern: the data directory's events.
      const parked = formatParkedNotice(await deps.store.deliveryStatus(), "envbot notifications");
      if (parked !== undefined) io.stdout(`${parked}\n`);
      const legacy = (await deps.store.listEnvironments(LEGACY_LOCAL_REPOSITORY)).filter((r) => r.status !== "destroyed");
      if (legacy.length > 0) {
        io.stderr(
          `note: ${legacy.map((r) => r.name).join(", ")} ${legacy.length === 1 ? "was" : "were"} recorded by an earlier envbot for every checkout at once ('local') and ${legacy.length === 1 ? "is" : "are"} not shown; ` +
            `their state is under ${path.join(displayRepository(settings.dataDir), "state", "local")}.\n`,
        );
      }
      return EXIT.ok;
    }
    const listed = [];
    for (const r of records) {
      const [lastRun] = await deps.store.listRuns(r.repository, r.name, 1);
      listed.push({
        name: r.name,
        status: shownStatus(r),
        template: r.template,
        owner: r.owner,
        firstAppliedAt: r.firstAppliedAt?.toISOString() ?? null,
        expiresAt: r.expiresAt?.toISOString() ?? null,
        updatedAt: r.updatedAt.toISOString(),
        lastRun: lastRun ? { id: lastRun.id, kind: lastRun.kind, outcome: lastRun.outcome, error: lastRun.error ?? null } : null,
        ...recordedDependencies(r, all),
      });
    }
    io.stdout(`${JSON.stringify(listed, null, 2)}\n`);
    return EXIT.ok;
  } finally {
    await deps.store.close();
  }
}
