import type { Probot } from "probot";
import { findOpenIssues } from "../../adapters/github/find-open-issues.js";
import { githubCodeHost } from "../../adapters/github/github-code-host.js";
import { githubRepositoryChanges } from "../../adapters/github/github-repository-changes.js";
import { splitRepository, type Octokit } from "../../adapters/github/octokit-types.js";
import { repositorySnapshots } from "../../adapters/github/repository-snapshots.js";
import { commentAndCloseIssue } from "../../adapters/github/upsert-issue.js";
import { actorText } from "../../core/authorization/actor.js";
import { environmentKey, planEnvironment } from "../../core/engine/index.js";
import { loadDefinedEnvironment, planDefinedEnvironment, proposeAdoption, revertDrift } from "../../core/environment-actions/index.js";
import type { EnvbotJob } from "../../core/jobs/envbot-job.js";
import {
  renderAdoptFailed,
  renderAdoptionProposed,
  renderNothingToAdopt,
  renderReverted,
  renderRevertFailed,
  renderRevertPlan,
  renderRevertStale,
} from "../../render/drift-answer-texts.js";
import { DRIFT_LABEL, driftIssueTitle } from "../../render/reconcile-texts.js";
import type { AppServices } from "./app-services.js";

type DriftAnswerJob = Extract<EnvbotJob, { kind: "answer-drift" }>;

/**
 * Drift answered (`/envbot revert`, `revert confirm`, `adopt`, or the control plane's): the
 * environment as defined at the default branch's head, in its Terraform slot; what came of it is
 * said on the drift issue (the job's, else the environment's open one).
 */
export async function runDriftAnswerJob(
  log: Probot["log"],
  services: AppServices,
  job: DriftAnswerJob,
  run: { octokit: Octokit; signal: AbortSignal; mayRetry?: (error: unknown) => boolean },
): Promise<void> {
  const { octokit } = run;
  const say = (body: string) => sayOnDriftIssue(octokit, job, body);
  const head = await repositorySnapshots.headOf(octokit, job.repository, job.defaultBranch);
  if (head === undefined) throw new Error(`the default branch ${job.defaultBranch} of ${job.repository} was not found`);
  // A confirmed revert applies the commit whose plan was shown, or nothing.
  if (job.commit !== undefined && job.commit !== head) return void (await say(renderRevertStale({ planned: job.commit, head, defaultBranch: job.defaultBranch })));
  const files = githubCodeHost(octokit).filesAt(job.repository, head);
  const input = { repository: job.repository, files, commit: head, name: job.environment, actor: job.actor, signal: run.signal, onOutput: (line: string) => log.debug(line), mayRetry: run.mayRetry };
  const inSlot = <T>(work: () => Promise<T>) => services.queue.exclusive(environmentKey(job.repository, job.environment), work);

  switch (job.answer) {
    case "plan-revert": {
      const planned = await inSlot(() => planDefinedEnvironment(services.engine, input));
      if (!planned.ok) return void (await say(renderRevertFailed({ environment: job.environment, reason: "detail" in planned ? planned.detail : planned.reason, details: "details" in planned ? planned.details : undefined })));
      await say(renderRevertPlan({ environment: job.environment, defaultBranch: job.defaultBranch, commit: head, summary: planned.plan.summary, login: job.actor.kind === "pull-request" ? job.actor.login : undefined }));
      return;
    }
    case "revert": {
      const reverted = await inSlot(() => revertDrift(services.engine, input));
      if (!reverted.ok) return void (await say(renderRevertFailed({ environment: job.environment, reason: reverted.reason, details: reverted.details })));
      const text = renderReverted({ environment: job.environment, defaultBranch: job.defaultBranch, commit: head, summary: reverted.summary, actor: actorText(job.actor) });
      for (const issue of await driftIssuesOf(octokit, job)) await commentAndCloseIssue({ octokit, repository: job.repository, issue, body: text });
      return;
    }
    case "adopt": {
      const loaded = await loadDefinedEnvironment(files, job.environment, { now: services.engine.now() });
      if (!loaded.ok) return void (await say(renderAdoptFailed({ environment: job.environment, reason: loaded.detail })));
      const context = { repository: job.repository, commit: head, actor: job.actor, templateFiles: files, config: loaded.config, signal: run.signal, mayRetry: run.mayRetry };
      // A drift check's plan: every drifted attribute, with what its configuration reads.
      const checked = await inSlot(() => planEnvironment(services.engine, context, loaded.environment, "normal", "drift"));
      if (!checked.ok) return void (await say(renderAdoptFailed({ environment: job.environment, reason: checked.reason })));
      const drift = checked.plan.summary.drift;
      const changes = githubRepositoryChanges(async () => octokit);
      const proposed = await proposeAdoption({ ...services.engine, changes }, { repository: job.repository, base: job.defaultBranch, files, environment: loaded.environment, actor: job.actor, drift });
      if (!proposed.ok) {
        return void (await say(renderAdoptFailed({ environment: job.environment, reason: proposed.reason === "invalid" ? "the definition with the drifted values would not be valid:" : proposed.detail, problems: proposed.reason === "invalid" ? proposed.problems : undefined })));
      }
      const { pullRequest, adopted, notAdopted } = proposed.value;
      await say(pullRequest ? renderAdoptionProposed({ pullRequest, adopted, notAdopted }) : renderNothingToAdopt({ environment: job.environment, notAdopted, drifting: drift.length > 0 }));
      return;
    }
  }
}

/** The drift issue a job answers: its own, else the environment's open one (found by its title), if any. */
async function driftIssuesOf(octokit: Octokit, job: DriftAnswerJob): Promise<number[]> {
  if (job.issue !== undefined) return [job.issue];
  const title = driftIssueTitle(job.environment);
  return (await findOpenIssues({ octokit, repository: job.repository, label: DRIFT_LABEL, matches: (t) => t === title })).map((issue) => issue.number);
}

async function sayOnDriftIssue(octokit: Octokit, job: DriftAnswerJob, body: string): Promise<void> {
  const { owner, repo } = splitRepository(job.repository);
  for (const issue of await driftIssuesOf(octokit, job)) await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body });
}
