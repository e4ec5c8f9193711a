import type { Context, Probot } from "probot";
import { githubCodeHost } from "../../adapters/github/github-code-host.js";
import { githubPullRequestReporter } from "../../adapters/github/github-pull-request-reporter.js";
import { applyMergedPullRequest, planPullRequest, releasePullRequestLocks } from "../../core/pull-requests/index.js";
import type { AppServices } from "./app-services.js";
import { firstDelivery, pullRequestJobKey, reportUnexpectedError } from "./job-support.js";
import { pullRequestRef } from "./pull-request-ref.js";

/** Pull request events: each becomes one queued job; the webhook is acknowledged at once. */
export function registerPullRequestHandlers(app: Probot, services: AppServices): void {
  app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], async (context) => {
    if (!(await firstDelivery(services, context))) return;
    const pullRequest = pullRequestRef(context.payload.pull_request);
    enqueue(services, context, pullRequest.repository, pullRequest.number, {}, (signal) =>
      planPullRequest(
        { ...services.engine, host: githubCodeHost(context.octokit), queue: services.queue },
        { pullRequest, reporter: githubPullRequestReporter({ octokit: context.octokit, pullRequest }), signal, onOutput: (line) => context.log.debug(line) },
      ),
    );
  });

  app.on("pull_request.closed", async (context) => {
    if (!(await firstDelivery(services, context))) return;
    const payload = context.payload.pull_request;
    const pullRequest = pullRequestRef(payload);
    // Through the queue even without a merge: it cancels a plan of this pull request still running;
    // and it is final, so nothing that follows (a comment, a late event) cancels the apply.
    enqueue(services, context, pullRequest.repository, pullRequest.number, { final: true }, async (signal) => {
      if (!payload.merged || !payload.merge_commit_sha) {
        await releasePullRequestLocks(services.engine, pullRequest);
        return;
      }
      const mergeSha = payload.merge_commit_sha;
      await applyMergedPullRequest(
        { ...services.engine, host: githubCodeHost(context.octokit), queue: services.queue },
        { pullRequest, mergeSha, reporter: githubPullRequestReporter({ octokit: context.octokit, pullRequest, mergeSha }), signal, onOutput: (line) => context.log.debug(line) },
      );
    });
  });
}

function enqueue(services: AppServices, context: Context, repository: string, number: number, options: { final?: boolean }, run: (signal: AbortSignal) => Promise<unknown>): void {
  services.queue.enqueue({
    key: pullRequestJobKey(repository, number),
    ...options,
    run: async (signal) => {
      try {
        await run(signal);
      } catch (error) {
        await reportUnexpectedError(context, repository, number, error);
      }
    },
  });
}
