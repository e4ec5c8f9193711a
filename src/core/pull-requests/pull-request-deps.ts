import type { EngineDeps } from "../engine/index.js";
import type { CodeHost, JobQueue, PullRequestReporter } from "../ports.js";

/** What the pull request workflows work through: the engine, the code host, the queue. */
export interface PullRequestDeps extends EngineDeps {
  host: CodeHost;
  queue: Pick<JobQueue, "exclusive">;
}

export interface PullRequestJob {
  reporter: PullRequestReporter;
  signal?: AbortSignal;
  /** Progress lines of Terraform, for the server log. */
  onOutput?: (line: string) => void;
}

/** The key of the one-Terraform-operation-at-a-time rule. */
export function environmentKey(repository: string, environment: string): string {
  return `${repository}:${environment}`;
}
