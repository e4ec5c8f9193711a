import { splitRepository, type Octokit } from "./octokit-types.js";

export interface OpenIssue {
  number: number;
  title: string;
  body: string;
}

/**
 * envbot's open issues with `label` whose title passes `matches`, newest first. Issues are found
 * again this way (not only by a stored number), so a retry, a restart or a second replica never
 * opens a duplicate. Only issues a bot opened count: a person's issue is never taken over.
 */
export async function findOpenIssues(input: { octokit: Octokit; repository: string; label: string; matches: (title: string) => boolean }): Promise<OpenIssue[]> {
  const { octokit, label, matches } = input;
  const { owner, repo } = splitRepository(input.repository);
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: "open", labels: label, per_page: 100 });
  // The issues endpoint lists pull requests too.
  return issues
    .filter((issue) => !issue.pull_request && issue.user?.type === "Bot" && matches(issue.title))
    .map((issue) => ({ number: issue.number, title: issue.title, body: issue.body ?? "" }));
}
