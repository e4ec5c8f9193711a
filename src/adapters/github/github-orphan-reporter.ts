import type { OrphanReporter } from "../../core/ports/index.js";
import { environmentOfOrphanIssue, orphanIssueTitle, ORPHANS_LABEL, renderOrphanIssue, renderOrphansResolvedComment } from "../../render/orphan-text.js";
import { findOpenIssues } from "./find-open-issues.js";
import type { Octokit } from "./octokit-types.js";
import { commentAndCloseIssue, upsertIssue } from "./upsert-issue.js";

/**
 * The orphan sweep's reports on GitHub: one issue per environment with resources left behind,
 * edited only when the list changes, closed with a comment once nothing is left. Found again by
 * title and label, so retries, restarts and replicas never duplicate.
 */
export function githubOrphanReporter(input: { octokit: Octokit; repository: string }): OrphanReporter {
  const { octokit, repository } = input;
  const check = (notice: { repository: string }) => {
    if (notice.repository !== repository) throw new Error(`an orphan report for ${notice.repository} reached the reporter of ${repository}`);
  };
  return {
    async orphansFound(report) {
      check(report);
      const { title, body } = renderOrphanIssue(report);
      const { number } = await upsertIssue({ octokit, repository, label: ORPHANS_LABEL, title, body });
      return { where: `issue #${number}` };
    },

    async orphansReported() {
      const open = await findOpenIssues({ octokit, repository, label: ORPHANS_LABEL, matches: (title) => environmentOfOrphanIssue(title) !== undefined });
      return [...new Set(open.map((issue) => environmentOfOrphanIssue(issue.title)!))];
    },

    async orphansResolved(notice) {
      check(notice);
      const title = orphanIssueTitle(notice.environment);
      for (const issue of await findOpenIssues({ octokit, repository, label: ORPHANS_LABEL, matches: (t) => t === title })) {
        await commentAndCloseIssue({ octokit, repository, issue: issue.number, body: renderOrphansResolvedComment(notice.environment) });
      }
    },
  };
}
