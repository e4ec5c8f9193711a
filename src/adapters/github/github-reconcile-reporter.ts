import type { EnvironmentNotice, ReconcileReporter } from "../../core/ports/index.js";
import {
  DRIFT_LABEL,
  EXPIRY_LABEL,
  RECONCILE_LABEL,
  destroyFailedIssueTitle,
  driftIssueTitle,
  expiryWarningTitlePrefix,
  renderCleanupPullRequest,
  renderDefinitionUnusableIssue,
  renderDestroyFailedIssue,
  renderDriftIssue,
  renderDriftResolvedComment,
  renderExpiredComment,
  renderExpiredIssue,
  renderExpiryWarningIssue,
} from "../../render/reconcile-texts.js";
import { findOpenIssues } from "./find-open-issues.js";
import { splitRepository, type Octokit } from "./octokit-types.js";
import { cleanupBranchName, openCleanupPullRequest } from "./open-cleanup-pull-request.js";
import { commentAndCloseIssue, upsertIssue } from "./upsert-issue.js";

/**
 * Tells the owners of one repository's environments about expiry and drift, as GitHub issues and
 * the cleanup pull request. Every issue is found again by its title and label before one is
 * opened, so retries, restarts and replicas never duplicate. All wording comes from src/render.
 */
export function githubReconcileReporter(input: { octokit: Octokit; repository: string; defaultBranch: string; now?: () => Date }): ReconcileReporter {
  const { octokit, repository, defaultBranch } = input;
  const { owner, repo } = splitRepository(repository);
  const now = input.now ?? (() => new Date());

  // One installation's reporter never writes to another repository, whatever the caller mixed up.
  function check(notice: EnvironmentNotice): void {
    if (notice.repository !== repository) throw new Error(`a reconcile notice for ${notice.repository} reached the reporter of ${repository}`);
  }

  const commentAndClose = (issue: number, body: string) => commentAndCloseIssue({ octokit, repository, issue, body });

  return {
    async expiryWarning(notice) {
      check(notice);
      const { title, body } = renderExpiryWarningIssue(notice);
      await upsertIssue({ octokit, repository, label: EXPIRY_LABEL, title, body });
    },

    async expired(notice) {
      check(notice);
      // The pull request first, so the notice can name it. The environment is gone either way:
      // if the pull request fails, the owner still hears of it (and is told to remove the file).
      let cleanupPullRequest: number | undefined;
      let definitionRemoved = false;
      let cleanupFailure: { error: unknown } | undefined;
      if (notice.cleanupPullRequest) {
        const text = renderCleanupPullRequest(notice);
        const branch = cleanupBranchName(notice.environment, notice.expiresAt);
        try {
          cleanupPullRequest = await openCleanupPullRequest({ octokit, repository, defaultBranch, branch, file: notice.file, ...text });
          definitionRemoved = cleanupPullRequest === undefined;
        } catch (error) {
          cleanupFailure = { error };
        }
      }
      const told = { ...notice, cleanupPullRequest, definitionRemoved, cleanupFailed: cleanupFailure !== undefined };
      // The warnings (one per expiry the owner was warned of) and a failed-destroy issue are done with.
      const prefix = `${expiryWarningTitlePrefix(notice.environment)} `;
      const failedTitle = destroyFailedIssueTitle(notice.environment);
      const open = await findOpenIssues({ octokit, repository, label: EXPIRY_LABEL, matches: (t) => t.startsWith(prefix) || t === failedTitle });
      if (open.length === 0) {
        const { title, body } = renderExpiredIssue(told);
        await upsertIssue({ octokit, repository, label: EXPIRY_LABEL, title, body });
      }
      const comment = renderExpiredComment(told);
      for (const issue of open) await commentAndClose(issue.number, comment);
      // The environment is gone now, not when the cleanup pull request is merged: GitHub's
      // environments view shows its latest deployment inactive.
      const { data: latest } = await octokit.rest.repos.listDeployments({ owner, repo, environment: notice.environment, per_page: 1 });
      if (latest[0]) await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: latest[0].id, state: "inactive", description: "destroyed by envbot at expiry" });
      if (cleanupFailure) throw cleanupFailure.error;
      return cleanupPullRequest === undefined ? {} : { cleanupPullRequest };
    },

    async destroyFailed(notice) {
      check(notice);
      const { title, body } = renderDestroyFailedIssue(notice);
      await upsertIssue({ octokit, repository, label: EXPIRY_LABEL, title, body });
    },

    async definitionUnusable(notice) {
      check(notice);
      const { title, body } = renderDefinitionUnusableIssue(notice);
      await upsertIssue({ octokit, repository, label: RECONCILE_LABEL, title, body });
    },

    async driftFound(report) {
      check(report);
      const { title, body } = renderDriftIssue(report);
      const { number } = await upsertIssue({ octokit, repository, label: DRIFT_LABEL, title, body });
      return { where: `issue #${number}` };
    },

    async driftResolved(notice) {
      check(notice);
      // Found again by its title: the core keeps no issue numbers.
      const title = driftIssueTitle(notice.environment);
      const comment = renderDriftResolvedComment({ environment: notice.environment, at: now() });
      for (const issue of await findOpenIssues({ octokit, repository, label: DRIFT_LABEL, matches: (t) => t === title })) await commentAndClose(issue.number, comment);
    },
  };
}
