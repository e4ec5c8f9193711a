import type { PullRequestRef } from "../../core/ports/index.js";

/** The parts of a pull_request payload (or a pulls.get answer) the workflows need. */
interface PullRequestPayload {
  number: number;
  user: { login: string } | null;
  head: { sha: string; repo: { full_name: string } | null };
  base: { sha: string; ref: string; repo: { full_name: string; default_branch: string } };
}

export function pullRequestRef(pr: PullRequestPayload): PullRequestRef {
  return {
    repository: pr.base.repo.full_name,
    number: pr.number,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    // A deleted fork has no repository any more: treat it as foreign.
    headRepository: pr.head.repo?.full_name ?? "(deleted fork)",
    author: pr.user?.login ?? "ghost",
    baseRef: pr.base.ref,
    defaultBranch: pr.base.repo.default_branch,
  };
}
