import { parseArgs } from "node:util";
import { localRepoFiles } from "../../../adapters/local/local-repo-files.js";
import { runDriftSweep, runExpirySweep, type SweepResult } from "../../../core/reconciling/index.js";
import { EXIT, UsageError, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { formatSweepResults } from "../../../render/sweep-lines.js";
import { consoleReconcileReporter } from "../console-reconcile-reporter.js";
import { localEngine } from "../local-engine.js";
import { localRepository } from "../local-repository.js";
import { repositoryDirectory } from "../repository-directory.js";

export const reconcileUsage = `Usage: envbot reconcile --once [--repo DIR] [--dry-run] [--now RFC3339] [--only expiry|drift] [--json]

Runs the reconciler once over the environments applied from this checkout: warns before expiry,
destroys expired environments (never protected ones, at most limits.maxDestroysPerSweep), and
reports drift between the definitions, the state and the real resources.

Options:
  --once        run one expiry sweep and one drift sweep, then exit
  --dry-run     only say what would be done
  --now TIME    run the sweeps as of this RFC 3339 time: expiry, and certificates' renewal
                (default: now)
  --only KIND   run only the expiry or only the drift sweep
  --json        print one entry per environment and sweep: {sweep, name, action, ...}
  --repo DIR    the environments repository (default: the one the current directory is in)`;

export async function reconcileCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      once: { type: "boolean" },
      repo: { type: "string" },
      "dry-run": { type: "boolean" },
      now: { type: "string" },
      only: { type: "string" },
      json: { type: "boolean" },
      ...HELP_OPTION,
    },
  });
  if (values.help) return printUsage(io, reconcileUsage);
  if (!values.once) throw new UsageError("pass --once: the CLI runs one sweep; the GitHub App runs them on the schedules of .github/envbot.yml");
  const now = values.now === undefined ? io.now() : new Date(values.now);
  if (values.now !== undefined && (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(values.now) || Number.isNaN(now.getTime()))) {
    throw new UsageError(`--now: '${values.now}' is not an RFC 3339 time like 2026-12-01T00:00:00Z`);
  }
  if (values.only !== undefined && values.only !== "expiry" && values.only !== "drift") throw new UsageError(`--only: expected expiry or drift, got '${values.only}'`);

  const { repoDir, shownAs } = await repositoryDirectory(io.cwd, values.repo);
  const repository = await localRepository(repoDir, shownAs);
  const engine = await localEngine(io);
  const { settings } = engine;
  // --now is the sweeps' clock throughout: the drift checks' plans renew certificates as of then too.
  const deps = values.now === undefined ? engine.deps : { ...engine.deps, now: () => now };
  // Each sweep's notices (how to extend, what drifted), kept to print under its environment's line.
  const notices = new Map<string, string[]>();
  const reporterFor = (kind: SweepResult["kind"]) =>
    consoleReconcileReporter((environment, line) => notices.set(`${kind}:${environment}`, [...(notices.get(`${kind}:${environment}`) ?? []), line]));
  try {
    const input = {
      deps,
      repository,
      files: localRepoFiles(repoDir),
      now,
      dryRun: values["dry-run"] === true,
      concurrency: settings.concurrency,
      // Progress for a person at a terminal only; the core names the repository, which is this one.
      onProgress: io.interactive ? (message: string) => io.stderr(`… ${message.startsWith(`${repository}: `) ? message.slice(repository.length + 2) : message}\n`) : undefined,
    };
    const results: SweepResult[] = [];
    if (values.only !== "drift") results.push(await runExpirySweep({ ...input, reporter: reporterFor("expiry") }));
    if (values.only !== "expiry") results.push(await runDriftSweep({ ...input, reporter: reporterFor("drift") }));
    if (values.json) {
      io.stdout(`${JSON.stringify(results.flatMap((r) => r.entries.map(({ environment, ...rest }) => ({ sweep: r.kind, name: environment, ...rest }))), null, 2)}\n`);
    } else {
      for (const line of formatSweepResults(results, (kind, environment) => notices.get(`${kind}:${environment}`) ?? [])) io.stdout(`${line}\n`);
    }
    return results.some((r) => r.entries.some((e) => e.outcome === "failed")) ? EXIT.failed : EXIT.ok;
  } finally {
    await deps.store.close();
  }
}
