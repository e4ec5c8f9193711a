import type { Probot } from "probot";
import { githubRepoFiles } from "../../adapters/github/github-code-host.js";
import { repositorySnapshots } from "../../adapters/github/repository-snapshots.js";
import { githubRequestBudget } from "../../adapters/github/request-budget.js";
import type { Octokit } from "../../adapters/github/octokit-types.js";
import { githubReconcileReporter } from "../../adapters/github/github-reconcile-reporter.js";
import { redactOutgoingRequests } from "../../adapters/github/redact-outgoing-requests.js";
import { reconcileScheduler, type ScheduledRepository } from "../../adapters/schedule/reconcile-scheduler.js";
import { runDriftSweep, runExpirySweep, runOrphanSweep, type SweepKind, type SweepResult } from "../../core/reconciling/index.js";
import { githubOrphanReporter } from "../../adapters/github/github-orphan-reporter.js";
import { CONFIG_PATH } from "../../core/config/repository-config.js";
import { validateEnvironments } from "../../core/validation/index.js";
import { queuedJob } from "../../core/jobs/envbot-job.js";
import type { AppServices } from "./app-services.js";

/** One sweep of one repository, reporting on GitHub. The scheduler calls it; so do tests. */
export async function sweepRepository(input: {
  octokit: Octokit;
  services: AppServices;
  repository: string;
  defaultBranch: string;
  kind: SweepKind;
  now: Date;
  concurrency: number;
  log?: (message: string) => void;
  /** Only these environments (one job's part of a fanned-out sweep). */
  only?: readonly string[];
  /** The default branch's commit, when the caller knows it (a fanned-out job carries its sweep's). */
  commit?: string;
  /** Scale-out: each environment's Terraform work becomes a job of its own, reading this commit (see SweepInput.dispatch). */
  dispatch?: (environment: string, commit: string) => Promise<void>;
}): Promise<SweepResult> {
  const { octokit, services } = input;
  if (services.engine.knownSecrets) redactOutgoingRequests(octokit, services.engine.knownSecrets.redact);
  // The default branch: what was merged is what the reconciler enforces. Its head is asked for
  // once (304 when it has not moved), and the files of that commit are read once per process.
  const commit = input.commit ?? (await repositorySnapshots.headOf(octokit, input.repository, input.defaultBranch));
  if (commit === undefined) throw new Error(`the default branch ${input.defaultBranch} of ${input.repository} was not found; nothing was swept`);
  const files = githubRepoFiles(octokit, input.repository, commit);
  const dispatch = input.dispatch && ((environment: string) => input.dispatch!(environment, commit));
  if (input.kind === "orphans") {
    if (!services.taggedResources) throw new Error("the orphan sweep needs the cloud's tag index, which this App was started without");
    return runOrphanSweep({ store: services.engine.store, tagged: services.taggedResources, reporter: githubOrphanReporter({ octokit, repository: input.repository }), repository: input.repository, files, now: input.now, dryRun: false, onProgress: input.log });
  }
  const sweep = input.kind === "expiry" ? runExpirySweep : runDriftSweep;
  return sweep({
    deps: { ...services.engine, queue: services.queue },
    repository: input.repository,
    files,
    reporter: githubReconcileReporter({ octokit, repository: input.repository, defaultBranch: input.defaultBranch }),
    now: input.now,
    dryRun: false,
    concurrency: input.concurrency,
    onProgress: input.log,
    only: input.only,
    dispatch,
  });
}

/**
 * The schedules follow the repositories at once, not at the next periodic refresh: a push to a
 * default branch that changes .github/envbot.yml, and installations or repositories added or
 * removed, re-read them. In the background: the webhook is acknowledged first.
 */
function registerScheduleRefresh(app: Probot, scheduler: { refresh(): Promise<void> }): void {
  const refresh = (why: string) => {
    app.log.info(`re-reading the reconcile schedules: ${why}`);
    void scheduler.refresh().catch((error: unknown) => app.log.error({ err: error }, "re-reading the reconcile schedules failed"));
  };
  app.on("push", async (context) => {
    const { ref, repository, commits } = context.payload;
    if (ref !== `refs/heads/${repository.default_branch}`) return;
    const touched = commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(CONFIG_PATH));
    if (touched) refresh(`${CONFIG_PATH} changed on ${repository.full_name}'s default branch`);
  });
  app.on(["installation", "installation_repositories"], async (context) => refresh(`installation ${context.payload.installation.id} changed`));
}

/**
 * One firing of a repository's schedule. It waits while the installation's GitHub budget is under
 * the reserve (logged and counted; pull-request work is never held back); otherwise it sweeps,
 * and with `fanOut` (scale-out) queues one job per environment that needs Terraform.
 */
export async function runScheduledSweep(
  app: Probot,
  services: AppServices,
  repository: ScheduledRepository,
  kind: SweepKind,
  options: { concurrency: number; fanOut: boolean },
): Promise<"deferred" | "swept"> {
  const deferred = githubRequestBudget.deferSweep(repository.installationId, `the ${kind} sweep of ${repository.repository}`);
  if (deferred) {
    app.log.warn(deferred);
    return "deferred";
  }
  const octokit = await app.auth(repository.installationId);
  // The orphan sweep runs no Terraform: nothing to fan out.
  const dispatch = options.fanOut && kind !== "orphans"
    ? async (environment: string, commit: string) => {
        const job = { kind: "sweep-environment" as const, installation: repository.installationId, repository: repository.repository, defaultBranch: repository.defaultBranch, commit, sweep: kind, environment };
        await services.queue.enqueue(queuedJob(job));
      }
    : undefined;
  await sweepRepository({ octokit, services, repository: repository.repository, defaultBranch: repository.defaultBranch, kind, now: new Date(), concurrency: options.concurrency, log: (m) => app.log.info(m), dispatch });
  return "swept";
}

/**
 * Schedules the sweeps of every repository the App is installed on. With `fanOut` (scale-out) a
 * sweep decides what to do and queues one job per environment that needs Terraform, so every
 * worker checks environments at once; the per-sweep destroy limit is applied when deciding.
 */
export function startScheduledSweeps(app: Probot, services: AppServices, concurrency: number, fanOut = false) {
  const scheduler = reconcileScheduler({
    store: services.engine.store,
    async listRepositories() {
      const appOctokit = await app.auth();
      const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, { per_page: 100 });
      const repositories: ScheduledRepository[] = [];
      for (const installation of installations) {
        const octokit = await app.auth(installation.id);
        const accessible = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
        for (const repo of accessible) {
          if (!repo.archived) repositories.push({ repository: repo.full_name, installationId: installation.id, defaultBranch: repo.default_branch });
        }
      }
      return repositories;
    },
    async schedulesOf(repository) {
      const octokit = await app.auth(repository.installationId);
      const { config } = await validateEnvironments({ repo: githubRepoFiles(octokit, repository.repository, repository.defaultBranch), documents: [], now: new Date() });
      return config.schedules;
    },
    sweep: (repository, kind) => runScheduledSweep(app, services, repository, kind, { concurrency, fanOut }).then(() => undefined),
    log: { info: (message) => app.log.info(message), error: (message, error) => app.log.error({ err: error }, message) },
  });
  void scheduler.start().catch((error: unknown) => app.log.error({ err: error }, "could not start the reconcile schedules"));
  registerScheduleRefresh(app, scheduler);
  return scheduler;
}
