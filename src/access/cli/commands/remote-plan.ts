import { NAME_PATTERN } from "../../../core/environment/index.js";
import type { RunRecord } from "../../../core/ports/index.js";
import { formatRunEnd, formatRunHeading } from "../../../render/run-history-text.js";
import { CommandFailure, EXIT, UsageError, type CliIO } from "../cli-io.js";
import { remoteRepository, type RemoteTarget } from "../remote/remote-target.js";
import { printRunLog } from "../runs/print-run-log.js";
import { remoteRunSource } from "../runs/remote-run-source.js";
import type { RunSource } from "../runs/run-source.js";

/** How long a queued plan may wait for a worker before the command stops waiting (the plan still runs). */
export const PLAN_START_TIMEOUT_MS = 2 * 60_000;
/** How often the runs are looked at while waiting for the plan to start. */
const PLAN_START_POLL_MS = 1000;
/** Runs looked at each time: others' runs of the environment may start meanwhile. */
const RECENT_RUNS = 10;

/**
 * `plan NAME --context`: the server plans NAME as defined on the repository's default branch
 * (POST .../plan queues it); the command waits for that run to start and prints its log as it
 * comes. Exit status: the run's.
 */
export async function remotePlan(target: RemoteTarget, input: { positionals: string[]; github?: string; repo?: string; json?: boolean }, io: CliIO): Promise<number> {
  if (input.positionals.length !== 1) throw new UsageError(`expected one environment NAME, got ${input.positionals.length}`);
  const name = input.positionals[0]!;
  if (!NAME_PATTERN.test(name)) throw new UsageError(`with a context, plan takes an environment NAME (the server plans its definition on the default branch), not '${name}'`);
  const repository = remoteRepository(target, input);
  const source = remoteRunSource(target.api);
  // The newest run before queuing: the plan's run is the first plan after it.
  const [seen] = await source.listRuns(repository, name, 1);
  const queued = await target.api.post<{ defaultBranch: string }>(`/api/v1/environments/${repository}/${name}/plan`);
  io.stderr(`Queued a plan of ${name} in ${repository} at the head of ${queued.defaultBranch} (context ${target.context.name}); waiting for it to start...\n`);
  const run = await waitForPlanRun(source, { repository, name, after: seen?.id ?? 0, context: target.context.name });
  io.stderr(`${formatRunHeading(run)}\n`);
  // With --json, stdout is only the run: the log goes to stderr.
  const ended = await printRunLog(source, run, { follow: true, write: (line) => (input.json ? io.stderr : io.stdout)(`${line}\n`) });
  if (input.json) io.stdout(`${JSON.stringify(await target.api.get(`/api/v1/runs/${ended.id}`), null, 2)}\n`);
  io.stderr(`${formatRunEnd(ended)}\n`);
  return ended.outcome === "succeeded" ? EXIT.ok : EXIT.failed;
}

async function waitForPlanRun(source: RunSource, wanted: { repository: string; name: string; after: number; context: string }): Promise<RunRecord> {
  const deadline = Date.now() + PLAN_START_TIMEOUT_MS;
  for (;;) {
    const runs = await source.listRuns(wanted.repository, wanted.name, RECENT_RUNS);
    // Newest first: the last match is the first plan that started after queuing.
    const started = runs.filter((run) => run.id > wanted.after && run.kind === "plan").at(-1);
    if (started) return started;
    if (Date.now() >= deadline) {
      throw new CommandFailure(
        `the plan of ${wanted.name} is queued but did not start within ${PLAN_START_TIMEOUT_MS / 60_000} minutes (are the server's workers running?); ` +
          `it shows in 'envbot history ${wanted.name} --context ${wanted.context}' once it runs`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, PLAN_START_POLL_MS));
  }
}
