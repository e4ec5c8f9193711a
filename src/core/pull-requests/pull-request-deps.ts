import type { EngineDeps } from "../engine/index.js";
import type { CodeHost, JobQueue, PullRequestReporter } from "../ports/index.js";

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
  /** Failures the queue would rather run again than have reported (see OperationContext.mayRetry). */
  mayRetry?: (error: unknown) => boolean;
}

export { environmentKey } from "../engine/environment-lease.js";
