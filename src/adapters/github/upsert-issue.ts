import { findOpenIssues } from "./find-open-issues.js";
import { splitRepository, statusOf, type Octokit } from "./octokit-types.js";

/**
 * Keeps ONE open issue per title and label: `known` (a number the caller remembered) while it is
 * open, else the open issue with this exact title, else a new one. An existing issue's body is
 * only edited when it changed, so an unchanged report sends no PATCH and notifies nobody.
 */
export async function upsertIssue(input: {
  octokit: Octokit;
  repository: string;
  label: string;
  title: string;
  body: string;
  known?: number;
}): Promise<{ number: number; created: boolean }> {
  const { octokit, label, title, body } = input;
  const { owner, repo } = splitRepository(input.repository);
  const existing = (input.known !== undefined ? await openIssue(octokit, input.repository, input.known) : undefined) ??
    (await findOpenIssues({ octokit, repository: input.repository, label, matches: (t) => t === title }))[0];
  if (existing) {
    if (existing.body !== body) await octokit.rest.issues.update({ owner, repo, issue_number: existing.number, body });
    return { number: existing.number, created: false };
  }
  const { data } = await octokit.rest.issues.create({ owner, repo, title, body, labels: [label] });
  return { number: data.number, created: true };
}

/** The issue while it is open; undefined when closed, deleted, transferred or a pull request. */
async function openIssue(octokit: Octokit, repository: string, number: number): Promise<{ number: number; body: string } | undefined> {
  const { owner, repo } = splitRepository(repository);
  try {
    const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: number });
    return data.state === "open" && !data.pull_request ? { number: data.number, body: data.body ?? "" } : undefined;
  } catch (error) {
    // 404: deleted or never ours; 410: the repository's issues were turned off.
    if (statusOf(error) === 404 || statusOf(error) === 410) return undefined;
    throw error;
  }
}
