import { parseArgs } from "node:util";
import { isDuration } from "../../../core/duration/duration.js";
import { keepAwake } from "../../../core/environment-actions/index.js";
import { hibernateEnvironment } from "../../../core/reconciling/index.js";
import { formatDiagnostic } from "../../../render/diagnostics-text.js";
import { EXIT, HELP_OPTION, printUsage, UsageError, type CliIO } from "../cli-io.js";
import { loadEnvironment } from "../load-environment.js";
import { localEngine } from "../local-engine.js";
import { commandRecordsRepository, commandRepository } from "../local-repository.js";
import { localSecretProvider } from "../local-secret-provider.js";
import { repositoryDirectory } from "../repository-directory.js";


export const wakeUsage = `Usage: envbot wake NAME [DURATION] [--repo DIR] [--json]

Wakes an environment that sleeps outside its awake hours (spec.hibernation): applies it as
defined now, and keeps it awake for DURATION (like 2h), or without one until the end of its
current or next awake window; then the reconciler puts it to sleep on schedule again. An
environment that is awake already is kept awake that long.
Options:
  --repo DIR   the environments repository (default: the one the current directory is in)
  --json       print the result as JSON on stdout
  -h, --help   show this help
Exit status: 0 awake, 1 no such environment, none applied, no schedule or a failed run, 2 usage
error.`;

export async function wakeCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { repo: { type: "string" }, json: { type: "boolean" }, ...HELP_OPTION } });
  if (values.help) return printUsage(io, wakeUsage);
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError(`expected NAME and at most a DURATION, got ${positionals.length} argument(s)`);
  const [name, duration] = positionals as [string, string | undefined];
  if (duration !== undefined && !isDuration(duration)) throw new UsageError(`'${duration}' is not a duration like 30m, 2h or 1d`);

  const { repoDir, shownAs } = await repositoryDirectory(io.cwd, values.repo);
  const written = await commandRepository({ repoDir, shownAs });
  const secrets = localSecretProvider(io.env, io.cwd);
  const loaded = await loadEnvironment(name, repoDir, io.cwd, io.now(), { refusal: (reference) => secrets.refusal(reference, written) }, io.env);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d, loaded.display(d.file))}\n`);
    return EXIT.failed;
  }
  const { environment } = loaded;
  const { deps, actor } = await localEngine(io);
  try {
    const repository = await commandRecordsRepository(deps.store, written);
    const kept = await keepAwake(deps.store, { repository, environment, now: io.now(), duration });
    if (!kept.ok) return fail(io, kept.reason === "not-applied" ? `${environment.name} has not been applied from here: 'envbot apply ${environment.name}' creates it` : kept.detail);
    const { until, asleep } = kept;
    if (asleep) {
      const woke = await hibernateEnvironment(deps, { repository, files: loaded.repo, config: loaded.config, actor, environment, purpose: "wake", until, onOutput: (line) => io.stderr(`  │ ${line}\n`) });
      if (!woke.ok) return fail(io, `${environment.name} did not wake: ${woke.reason}${woke.details ? `\n${woke.details}` : ""}`);
    }
    if (values.json) io.stdout(`${JSON.stringify({ environment: environment.name, woke: asleep, awakeUntil: until.toISOString() }, null, 2)}\n`);
    else io.stdout(`${environment.name} ${asleep ? "woke" : "is awake"}; it stays awake until ${until.toISOString()}, then sleeps on schedule.\n`);
    return EXIT.ok;
  } finally {
    await deps.store.close();
  }
}

function fail(io: CliIO, message: string): number {
  io.stderr(`envbot wake: ${message}\n`);
  return EXIT.failed;
}
