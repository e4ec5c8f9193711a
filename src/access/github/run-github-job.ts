import type { Probot } from "probot";
import { repositorySnapshots } from "../../adapters/github/repository-snapshots.js";
import { githubCodeHost } from "../../adapters/github/github-code-host.js";
import { githubPullRequestReporter } from "../../adapters/github/github-pull-request-reporter.js";
import { splitRepository, type Octokit } from "../../adapters/github/octokit-types.js";
import { redactOutgoingRequests } from "../../adapters/github/redact-outgoing-requests.js";
import { PROCESS_NAME } from "../../adapters/server-env/process-name.js";
import { actorText } from "../../core/authorization/actor.js";
import { environmentKey } from "../../core/engine/index.js";
import { applyDefinedEnvironment, loadDefinedEnvironment, planDefinedEnvironment } from "../../core/environment-actions/index.js";
import { parseEnvbotJob, type EnvbotJob } from "../../core/jobs/envbot-job.js";
import { JobHandedOnError, type JobRunner } from "../../core/ports/index.js";
import { applyMergedPullRequest, planPullRequest, recheckPullRequestPolicy, releasePullRequestLocks } from "../../core/pull-requests/index.js";
import { renderUnexpectedError } from "../../render/command-replies.js";
import { hibernateEnvironment } from "../../core/reconciling/index.js";
import type { AppServices } from "./app-services.js";
import { runDriftAnswerJob } from "./run-drift-answer-job.js";
import { sweepRepository } from "./scheduled-sweeps.js";

/**
 * Runs a queued job: rebuilds the GitHub client from the job's installation (the job is data,
 * kept across restarts) and hands the pull request to the core. `resumed` means a previous
 * process stopped in the middle of this job: the reporter then finds the check runs and
 * deployments it had started, and a merge's apply reports what the stop interrupted.
 */
export function githubJobRunner(app: Probot, services: AppServices): JobRunner {
  return async (payload, { signal, resumed, mayRetry }) => {
    const job = parseEnvbotJob(payload);
    const octokit = (await app.auth(job.installation)) as Octokit;
    if (services.engine.knownSecrets) redactOutgoingRequests(octokit, services.engine.knownSecrets.redact);
    // Every line a job logs names the process that ran it and the job.
    const jobLog = app.log.child({ worker: PROCESS_NAME, job: describeJob(job) });
    // A sweep's part says its outcome in one line of its own; one per environment is enough.
    if (job.kind === "sweep-environment") return runSweepJob(jobLog, services, job, { octokit, mayRetry });
    const started = Date.now();
    jobLog.info(`${resumed ? "resumed" : "started"} ${describeJob(job)}`);
    try {
      if (job.kind === "plan-environment" || job.kind === "destroy-environment" || job.kind === "apply-environment") await runEnvironmentJob(jobLog, services, job, { octokit, signal, mayRetry });
      else if (job.kind === "wake-environment") await runWakeJob(jobLog, services, job, { octokit, signal, mayRetry });
      else if (job.kind === "answer-drift") await runDriftAnswerJob(jobLog.child({ repository: job.repository, environment: job.environment }), services, job, { octokit, signal, mayRetry });
      else await runPullRequestJob(jobLog, services, job, { octokit, signal, resumed, mayRetry });
    } finally {
      jobLog.info(`ended ${describeJob(job)} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  };
}

async function runPullRequestJob(
  jobLog: JobLog,
  services: AppServices,
  job: Extract<EnvbotJob, { kind: "plan-pull-request" | "close-pull-request" | "check-pull-request-policy" }>,
  run: { octokit: Octokit; signal: AbortSignal; resumed: boolean; mayRetry?: (error: unknown) => boolean },
): Promise<void> {
  const { octokit, signal, resumed, mayRetry } = run;
  const log = jobLog.child({ delivery: job.delivery, repository: job.pullRequest.repository, number: job.pullRequest.number });
  try {
    await runJob(services, job, { octokit, signal, resumed, mayRetry, onOutput: (line) => log.debug(line) });
  } catch (error) {
    // Handed on to another worker, or run again by the queue (the database or GitHub was out
    // of reach): nothing to tell yet.
    if (error instanceof JobHandedOnError) throw error;
    if (mayRetry?.(error)) {
      log.warn({ err: error }, "envbot job failed; it runs again later");
      throw error;
    }
    await reportUnexpectedError(octokit, log, job, error);
  }
}

type JobLog = Probot["log"];

/** "plan-pull-request acme/envs#12", "sweep-environment drift acme/envs:web": which job, in a word or two. */
export function describeJob(job: EnvbotJob): string {
  if ("pullRequest" in job) return `${job.kind} ${job.pullRequest.repository}#${job.pullRequest.number}${"environment" in job && job.environment ? `:${job.environment}` : ""}`;
  if (job.kind === "sweep-environment") return `${job.kind} ${job.sweep} ${job.repository}:${job.environment}`;
  if (job.kind === "answer-drift") return `${job.kind} ${job.answer} ${job.repository}:${job.environment}`;
  return `${job.kind} ${job.repository}:${job.environment}`;
}

/** One environment's part of a scheduled sweep (scale-out): the sweep itself, limited to it. */
async function runSweepJob(jobLog: JobLog, services: AppServices, job: Extract<EnvbotJob, { kind: "sweep-environment" }>, run: { octokit: Octokit; mayRetry?: (error: unknown) => boolean }): Promise<void> {
  const log = jobLog.child({ repository: job.repository, environment: job.environment, sweep: job.sweep });
  try {
    const result = await sweepRepository({
      octokit: run.octokit,
      services,
      repository: job.repository,
      defaultBranch: job.defaultBranch,
      commit: job.commit,
      kind: job.sweep,
      now: new Date(),
      concurrency: 1,
      only: [job.environment],
      log: (message) => log.info(message),
    });
    for (const entry of result.entries) log.info(`${job.sweep} sweep of ${job.repository}: ${entry.environment}: ${entry.action}${entry.outcome ? ` (${entry.outcome})` : ""}${entry.detail ? `: ${entry.detail}` : ""}`);
  } catch (error) {
    if (error instanceof JobHandedOnError || run.mayRetry?.(error)) throw error;
    // No pull request to tell: the next scheduled sweep tries again.
    log.error({ err: error }, `${job.sweep} sweep of ${job.environment} failed; the next sweep tries again`);
  }
}

/**
 * "Plan now", or an immediate destroy the policy granted, from the control plane: the definition
 * and templates at the default branch's head. Its runs (and live log) are the report; a
 * definition that turned invalid since is logged.
 */
async function runEnvironmentJob(
  jobLog: JobLog,
  services: AppServices,
  job: Extract<EnvbotJob, { kind: "plan-environment" | "destroy-environment" | "apply-environment" }>,
  run: { octokit: Octokit; signal: AbortSignal; mayRetry?: (error: unknown) => boolean },
): Promise<void> {
  const log = jobLog.child({ repository: job.repository, environment: job.environment });
  const commit = await repositorySnapshots.headOf(run.octokit, job.repository, job.defaultBranch);
  if (commit === undefined) throw new Error(`the default branch ${job.defaultBranch} of ${job.repository} was not found`);
  const input = {
    repository: job.repository,
    files: githubCodeHost(run.octokit).filesAt(job.repository, commit),
    commit,
    name: job.environment,
    actor: job.actor,
    signal: run.signal,
    onOutput: (line: string) => log.debug(line),
    mayRetry: run.mayRetry,
  };
  // In a Terraform slot like every other operation: ENVBOT_CONCURRENCY bounds these too.
  const outcome = await services.queue.exclusive(environmentKey(job.repository, job.environment), (): Promise<{ ok: true } | { ok: false; reason: string; detail?: string }> =>
    job.kind === "plan-environment" ? planDefinedEnvironment(services.engine, input) : applyDefinedEnvironment(services.engine, input, job.kind === "apply-environment" ? "apply" : "destroy"),
  );
  if (!outcome.ok) log.warn(`${job.kind.replace("-environment", "")} of ${job.environment} requested by ${actorText(job.actor)}: ${outcome.detail ?? outcome.reason}`);
}

/**
 * Wakes a sleeping environment on request (hibernation): its definition and templates at the
 * default branch's head, applied as defined, its record awake until the time asked. One that
 * the schedule woke meanwhile is applied again to no changes.
 */
async function runWakeJob(
  jobLog: JobLog,
  services: AppServices,
  job: Extract<EnvbotJob, { kind: "wake-environment" }>,
  run: { octokit: Octokit; signal: AbortSignal; mayRetry?: (error: unknown) => boolean },
): Promise<void> {
  const log = jobLog.child({ repository: job.repository, environment: job.environment });
  const commit = await repositorySnapshots.headOf(run.octokit, job.repository, job.defaultBranch);
  if (commit === undefined) throw new Error(`the default branch ${job.defaultBranch} of ${job.repository} was not found`);
  const files = githubCodeHost(run.octokit).filesAt(job.repository, commit);
  const loaded = await loadDefinedEnvironment(files, job.environment, { now: services.engine.now() });
  if (!loaded.ok) {
    log.warn(`wake of ${job.environment} requested by ${actorText(job.actor)}: ${loaded.detail}`);
    return;
  }
  const woke = await hibernateEnvironment(
    { ...services.engine, queue: services.queue },
    { repository: job.repository, commit, files, config: loaded.config, actor: job.actor, environment: loaded.environment, purpose: "wake", until: new Date(job.until), signal: run.signal },
  );
  if (!woke.ok) log.warn(`wake of ${job.environment} requested by ${actorText(job.actor)}: ${woke.reason}`);
}

async function runJob(
  services: AppServices,
  job: Extract<EnvbotJob, { kind: "plan-pull-request" | "close-pull-request" | "check-pull-request-policy" }>,
  run: { octokit: Octokit; signal: AbortSignal; resumed: boolean; mayRetry?: (error: unknown) => boolean; onOutput: (line: string) => void },
): Promise<void> {
  const { octokit, signal, resumed, mayRetry, onOutput } = run;
  const deps = { ...services.engine, host: githubCodeHost(octokit), queue: services.queue };
  const pullRequest = job.pullRequest;
  switch (job.kind) {
    case "check-pull-request-policy":
      await recheckPullRequestPolicy(deps, { pullRequest, reporter: githubPullRequestReporter({ octokit, pullRequest, resumed }) });
      return;
    case "plan-pull-request":
      await planPullRequest(deps, { pullRequest, only: job.environment, reporter: githubPullRequestReporter({ octokit, pullRequest, resumed }), signal, onOutput, mayRetry });
      return;
    case "close-pull-request":
      if (job.mergeSha === null) {
        await releasePullRequestLocks(services.engine, pullRequest);
        return;
      }
      await applyMergedPullRequest(deps, {
        pullRequest,
        mergeSha: job.mergeSha,
        resumed,
        reporter: githubPullRequestReporter({ octokit, pullRequest, mergeSha: job.mergeSha, resumed }),
        signal,
        onOutput,
        mayRetry,
      });
      return;
  }
}

/**
 * Something unexpected broke a job: the pull request is told (never only a log line), with where
 * to look; the error's details stay in the server log.
 */
async function reportUnexpectedError(octokit: Octokit, log: Probot["log"], job: Extract<EnvbotJob, { kind: "plan-pull-request" | "close-pull-request" | "check-pull-request-policy" }>, error: unknown): Promise<void> {
  log.error({ err: error }, "envbot job failed");
  try {
    const { owner, repo } = splitRepository(job.pullRequest.repository);
    await octokit.rest.issues.createComment({ owner, repo, issue_number: job.pullRequest.number, body: renderUnexpectedError(job.delivery) });
  } catch (reportError) {
    log.error({ err: reportError }, "could not report the failure on the pull request");
  }
}
