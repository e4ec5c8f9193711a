import { createBranch, fileSha } from "./git-branch-files.js";
import { splitRepository, type Octokit } from "./octokit-types.js";

/**
 * Opens the pull request that deletes an expired environment's definition: a branch from the
 * default branch's head, one commit deleting `file` on it, the pull request. Safe to run again
 * after a failure part-way: an existing branch is reused, its open pull request returned.
 * Returns undefined when the default branch no longer has the file (nothing to clean up).
 */
export async function openCleanupPullRequest(input: {
  octokit: Octokit;
  repository: string;
  defaultBranch: string;
  branch: string;
  file: string;
  title: string;
  body: string;
  commitMessage: string;
}): Promise<number | undefined> {
  const { octokit, defaultBranch, branch, file } = input;
  const { owner, repo } = splitRepository(input.repository);
  if ((await fileSha(octokit, input.repository, file, defaultBranch)) === undefined) return undefined;

  const { data: head } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${defaultBranch}` });
  const created = await createBranch(octokit, input.repository, branch, head.object.sha);
  if (!created) {
    const { data: open } = await octokit.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${branch}`, per_page: 1 });
    if (open[0]) return open[0].number;
  }
  const sha = await fileSha(octokit, input.repository, file, branch);
  if (sha !== undefined) await octokit.rest.repos.deleteFile({ owner, repo, path: file, message: input.commitMessage, sha, branch });
  const { data: pull } = await octokit.rest.pulls.create({ owner, repo, title: input.title, body: input.body, head: branch, base: defaultBranch });
  return pull.number;
}

/** "envbot/expired-checkout-202612011000": from the expiry, so a retry finds the same branch. */
export function cleanupBranchName(environment: string, expiresAt: Date): string {
  return `envbot/expired-${environment}-${expiresAt.toISOString().slice(0, 16).replace(/\D/g, "")}`;
}
