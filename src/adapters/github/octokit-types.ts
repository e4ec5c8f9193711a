import type { ProbotOctokit } from "probot";

/** The installation-authenticated Octokit that Probot hands to a webhook handler. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) throw new Error(`invalid repository name '${repository}'`);
  return { owner, repo };
}

/** The HTTP status of an Octokit RequestError, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? status : undefined;
}
