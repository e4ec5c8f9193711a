import { parseCommentPart } from "../../render/pull-request-comment.js";
import { splitRepository, type Octokit } from "./octokit-types.js";

/**
 * Keeps ONE comment (in as many parts as it needs) per pull request and kind: comments whose
 * body starts with `marker` are ours. Existing parts are edited in place, missing ones created,
 * parts no longer needed deleted, so the pull request never collects stale copies.
 */
export async function upsertCommentParts(input: { octokit: Octokit; repository: string; issueNumber: number; marker: string; parts: string[] }): Promise<void> {
  const { octokit, issueNumber, marker, parts } = input;
  const { owner, repo } = splitRepository(input.repository);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
  // A person could paste the marker; only comments by a bot (envbot itself) are ours to edit.
  const ours = comments
    .filter((c) => c.body?.startsWith(marker) && c.user?.type === "Bot")
    .sort((a, b) => (parseCommentPart(a.body ?? "")?.part ?? 0) - (parseCommentPart(b.body ?? "")?.part ?? 0));
  for (const [index, body] of parts.entries()) {
    const existing = ours[index];
    if (existing) {
      if (existing.body !== body) await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    } else {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    }
  }
  for (const stale of ours.slice(parts.length)) {
    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: stale.id });
  }
}
