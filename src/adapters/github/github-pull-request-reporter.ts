import type { PullRequestReporter } from "../../core/ports/index.js";
import type { PullRequestRef } from "../../core/ports/index.js";
import {
  annotationBatches,
  environmentCheckName,
  renderApplyCheck,
  renderEnvironmentCheck,
  renderEnvironmentCheckInProgress,
  renderValidationCheck,
  VALIDATION_CHECK_NAME,
} from "../../render/check-runs.js";
import { COMMENT_MARKER, renderApplyComment, renderPlanComment } from "../../render/pull-request-comment.js";
import { APPLY_COMMENT_MARKER } from "../../render/pull-request-comment.js";
import { renderUnknownEnvironment } from "../../render/command-replies.js";
import { POLICY_CHECK_NAME, renderMergeRefusedByPolicy, renderPolicyCheck } from "../../render/policy-check.js";
import { splitRepository, type Octokit } from "./octokit-types.js";
import { upsertCommentParts } from "./upsert-comment-parts.js";

/**
 * Publishes a pull request's progress on GitHub: check runs (validation with annotations, one per
 * environment), the one plan comment, and deployments for applied environments. All wording comes
 * from src/render. `resumed`: a stopped process had begun this job, so the check runs and
 * deployments it started are found on GitHub again and completed, not started twice.
 */
export function githubPullRequestReporter(input: { octokit: Octokit; pullRequest: PullRequestRef; mergeSha?: string; resumed?: boolean }): PullRequestReporter {
  const { octokit, pullRequest: pr, resumed = false } = input;
  const { owner, repo } = splitRepository(pr.repository);
  const headSha = input.mergeSha ?? pr.headSha;
  const checks = new Map<string, number>();
  const deployments = new Map<string, number>();

  async function startCheck(name: string, output: { title: string; summary: string }) {
    // The attempt before may have got as far as completing it (a worker killed after its plan
    // was reported): the same job on the same commit goes on with that check, never a second one.
    if (resumed) {
      const earlier = await findCheck(name);
      if (earlier !== undefined) return void checks.set(name, earlier.id);
    }
    const { data } = await octokit.rest.checks.create({ owner, repo, name, head_sha: headSha, status: "in_progress", started_at: new Date().toISOString(), output });
    checks.set(name, data.id);
  }

  async function findCheck(name: string) {
    const { data } = await octokit.rest.checks.listForRef({ owner, repo, ref: headSha, check_name: name, filter: "latest", per_page: 1 });
    return data.check_runs[0];
  }

  async function findStartedDeployment(environment: string): Promise<number | undefined> {
    const { data } = await octokit.rest.repos.listDeployments({ owner, repo, sha: headSha, environment, per_page: 1 });
    return data[0]?.id;
  }

  async function completeCheck(name: string, result: { conclusion: "success" | "failure" | "neutral" | "cancelled"; title: string; summary: string; text?: string }) {
    const output = { title: result.title, summary: result.summary, ...(result.text ? { text: result.text } : {}) };
    const id = checks.get(name);
    const completed = { status: "completed" as const, conclusion: result.conclusion, completed_at: new Date().toISOString(), output };
    if (id === undefined) await octokit.rest.checks.create({ owner, repo, name, head_sha: headSha, ...completed });
    else await octokit.rest.checks.update({ owner, repo, check_run_id: id, ...completed });
  }

  return {
    async validationChecked(report) {
      // The same commit validates the same: a stopped process's completed check stands.
      if (resumed && (await findCheck(VALIDATION_CHECK_NAME))?.status === "completed") return;
      const check = renderValidationCheck(report);
      const [first = [], ...rest] = annotationBatches(check.annotations);
      const output = { title: check.title, summary: check.summary };
      const { data } = await octokit.rest.checks.create({
        owner,
        repo,
        name: VALIDATION_CHECK_NAME,
        head_sha: headSha,
        status: "completed",
        conclusion: check.conclusion,
        completed_at: new Date().toISOString(),
        output: { ...output, annotations: first },
      });
      // GitHub takes at most 50 annotations per request; later updates append.
      for (const batch of rest) await octokit.rest.checks.update({ owner, repo, check_run_id: data.id, output: { ...output, annotations: batch } });
    },

    async policyChecked(report) {
      const check = renderPolicyCheck(report);
      const [first = [], ...rest] = annotationBatches(check.annotations);
      const output = { title: check.title, summary: check.summary };
      const { data } = await octokit.rest.checks.create({ owner, repo, name: POLICY_CHECK_NAME, head_sha: headSha, status: "completed", conclusion: check.conclusion, completed_at: new Date().toISOString(), output: { ...output, annotations: first } });
      for (const batch of rest) await octokit.rest.checks.update({ owner, repo, check_run_id: data.id, output: { ...output, annotations: batch } });
    },

    async mergeRefusedByPolicy(report) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body: renderMergeRefusedByPolicy(report) });
    },

    planStarted(environment) {
      return startCheck(environmentCheckName(environment, "plan"), renderEnvironmentCheckInProgress(environment));
    },

    async planPreviewed(report) {
      const previewed = report.environments.at(-1);
      if (previewed) {
        const id = checks.get(environmentCheckName(previewed.environment, "plan"));
        const { title, summary } = renderEnvironmentCheck(previewed);
        if (id !== undefined) await octokit.rest.checks.update({ owner, repo, check_run_id: id, output: { title, summary } });
      }
      await upsertCommentParts({ octokit, repository: pr.repository, issueNumber: pr.number, marker: COMMENT_MARKER, parts: renderPlanComment(report) });
    },

    environmentPlanned(report) {
      return completeCheck(environmentCheckName(report.environment, "plan"), renderEnvironmentCheck(report));
    },

    async planReported(report) {
      await upsertCommentParts({ octokit, repository: pr.repository, issueNumber: pr.number, marker: COMMENT_MARKER, parts: renderPlanComment(report) });
    },

    async environmentNotInPullRequest(input) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body: renderUnknownEnvironment(input) });
    },

    async applyStarted(environment, effect) {
      await startCheck(environmentCheckName(environment, "apply"), renderEnvironmentCheckInProgress(environment, "apply"));
      if (effect !== "apply") return;
      if (resumed) {
        const started = await findStartedDeployment(environment);
        if (started !== undefined) return void deployments.set(environment, started);
      }
      // required_contexts: [] because envbot's own checks on this commit are still running;
      // auto_merge: false because the merge commit is already what the default branch holds.
      const { data } = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: headSha,
        environment,
        auto_merge: false,
        required_contexts: [],
        description: `envbot: apply ${environment} (#${pr.number})`,
      });
      if ("id" in data) {
        deployments.set(environment, data.id);
        await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: data.id, state: "in_progress" });
      }
    },

    async environmentApplied(report) {
      await completeCheck(environmentCheckName(report.environment, "apply"), renderApplyCheck(report));
      if (report.kind === "applied" && report.effect === "destroy") {
        // The environment is gone: its latest deployment shows inactive in GitHub's environments view.
        const { data: latest } = await octokit.rest.repos.listDeployments({ owner, repo, environment: report.environment, per_page: 1 });
        if (latest[0]) {
          await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: latest[0].id, state: "inactive", description: "destroyed by envbot" });
        }
        return;
      }
      const deployment = deployments.get(report.environment);
      if (deployment === undefined) return;
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: deployment,
        state: report.kind === "applied" ? "success" : "failure",
        ...(report.kind === "applied" && report.url ? { environment_url: report.url } : {}),
        description: report.kind === "applied" ? "applied by envbot" : report.kind === "interrupted" ? "envbot stopped while applying it" : "envbot could not apply it",
      });
    },

    async applyReported(report) {
      await upsertCommentParts({ octokit, repository: pr.repository, issueNumber: pr.number, marker: APPLY_COMMENT_MARKER, parts: renderApplyComment(report) });
    },
  };
}
