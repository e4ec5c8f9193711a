import { findOpenIssues } from "./find-open-issues.js";
import { splitRepository, type Octokit } from "./octokit-types.js";

/**
 * Keeps ONE open issue per title and label: the open issue envbot opened with this exact title,
 * else a new one. An existing issue's body is only edited when it changed, so an unchanged report
 * sends no PATCH and notifies nobody.
 */
export async function upsertIssue(input: { octokit: Octokit; repository: string; label: string; title: string; body: string }): Promise<{ number: number; created: boolean }> {
  const { octokit, label, title, body } = input;
  const { owner, repo } = splitRepository(input.repository);
  const [existing] = await findOpenIssues({ octokit, repository: input.repository, label, matches: (t) => t === title });
  if (existing) {
    if (existing.body !== body) await octokit.rest.issues.update({ owner, repo, issue_number: existing.number, body });
    return { number: existing.number, created: false };
  }
  const { data } = await octokit.rest.issues.create({ owner, repo, title, body, labels: [label] });
  return { number: data.number, created: true };
}

/** Says why in a comment, then closes the issue as completed. */
export async function commentAndCloseIssue(input: { octokit: Octokit; repository: string; issue: number; body: string }): Promise<void> {
  const { owner, repo } = splitRepository(input.repository);
  await input.octokit.rest.issues.createComment({ owner, repo, issue_number: input.issue, body: input.body });
  await input.octokit.rest.issues.update({ owner, repo, issue_number: input.issue, state: "closed", state_reason: "completed" });
}
