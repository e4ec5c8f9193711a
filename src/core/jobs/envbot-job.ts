import type { Actor } from "../authorization/actor.js";
import type { PullRequestRef } from "../pull-requests/pull-request-report.js";

/**
 * The work the queue carries, as JSON: enough to rebuild everything a job needs in any process
 * (the installation gives the GitHub client; the pull request and actor the rest). Never a
 * closure, so a job is kept across a restart and could run on another machine.
 */
export type EnvbotJob =
  /** A push, an opened or reopened pull request, or `/envbot plan [NAME]`. */
  | { kind: "plan-pull-request"; delivery: string; installation: number; pullRequest: PullRequestRef; environment?: string; actor: Actor }
  /** A pull request was closed: applied when merged into the default branch, its locks released either way. */
  | { kind: "close-pull-request"; delivery: string; installation: number; pullRequest: PullRequestRef; mergeSha: string | null; actor: Actor };

/** Jobs of one pull request share a key: a newer one supersedes a queued or running plan. */
export function pullRequestJobKey(repository: string, number: number): string {
  return `${repository}#${number}`;
}

/** How the queue holds a job: its key, and final when no later job may cancel it (a merge's apply). */
export function queuedJob(job: EnvbotJob): { key: string; final: boolean; payload: EnvbotJob } {
  return { key: pullRequestJobKey(job.pullRequest.repository, job.pullRequest.number), final: job.kind === "close-pull-request", payload: job };
}

/** A kept job read back: checked for the fields every kind needs, so a bad row fails clearly. */
export function parseEnvbotJob(payload: unknown): EnvbotJob {
  const job = payload as Partial<EnvbotJob> | null;
  const ok =
    job !== null &&
    typeof job === "object" &&
    (job.kind === "plan-pull-request" || job.kind === "close-pull-request") &&
    typeof job.installation === "number" &&
    typeof job.delivery === "string" &&
    typeof job.pullRequest?.repository === "string" &&
    typeof job.pullRequest?.number === "number" &&
    typeof job.actor?.kind === "string";
  if (!ok) throw new Error(`not an envbot job: ${JSON.stringify(payload).slice(0, 200)}`);
  return job as EnvbotJob;
}
