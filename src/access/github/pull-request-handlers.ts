import type { Probot } from "probot";
import { queuedJob, type EnvbotJob } from "../../core/jobs/envbot-job.js";
import type { PullRequestRef } from "../../core/ports/index.js";
import type { AppServices } from "./app-services.js";
import { newDelivery } from "./job-support.js";
import { pullRequestRef } from "./pull-request-ref.js";

/**
 * Pull request events: each becomes one job, kept by the queue before the webhook is
 * acknowledged; githubJobRunner runs it.
 */
export function registerPullRequestHandlers(app: Probot, services: AppServices): void {
  app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], async (context) => {
    if (!(await newDelivery(services, context))) return;
    const pullRequest = pullRequestRef(context.payload.pull_request);
    await services.queue.enqueue(queuedJob(planJob({ delivery: context.id, payload: context.payload, pullRequest, login: context.payload.sender.login })), { delivery: context.id });
  });

  // An approval (or its dismissal) can change what the policy check says; nothing is planned again.
  app.on(["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"], async (context) => {
    if (context.payload.pull_request.state !== "open" || !(await newDelivery(services, context))) return;
    const pullRequest = pullRequestRef(context.payload.pull_request);
    await services.queue.enqueue(
      queuedJob({ kind: "check-pull-request-policy", delivery: context.id, installation: installationOf(context.payload), pullRequest, actor: { kind: "pull-request", number: pullRequest.number, login: context.payload.sender.login } }),
      { delivery: context.id },
    );
  });

  app.on("pull_request.closed", async (context) => {
    if (!(await newDelivery(services, context))) return;
    const payload = context.payload.pull_request;
    const pullRequest = pullRequestRef(payload);
    // Through the queue even without a merge: it cancels a plan of this pull request still running;
    // and it is final, so nothing that follows (a comment, a late event) cancels the apply.
    await services.queue.enqueue(
      queuedJob({
        kind: "close-pull-request",
        delivery: context.id,
        installation: installationOf(context.payload),
        pullRequest,
        mergeSha: payload.merged && payload.merge_commit_sha ? payload.merge_commit_sha : null,
        actor: { kind: "pull-request", number: pullRequest.number, login: context.payload.sender.login },
      }),
      { delivery: context.id },
    );
  });
}

/** The plan job of a pull request, as a push or a `/envbot plan [NAME]` comment asks for it. */
export function planJob(input: { delivery: string; payload: { installation?: { id: number } }; pullRequest: PullRequestRef; login: string; environment?: string }): EnvbotJob {
  const { pullRequest } = input;
  return {
    kind: "plan-pull-request",
    delivery: input.delivery,
    installation: installationOf(input.payload),
    pullRequest,
    ...(input.environment === undefined ? {} : { environment: input.environment }),
    actor: { kind: "pull-request", number: pullRequest.number, login: input.login },
  };
}

/** An App's webhooks always name the installation; without one envbot has no way to answer. */
export function installationOf(payload: { installation?: { id: number } }): number {
  if (!payload.installation) throw new Error("the webhook names no installation of the App");
  return payload.installation.id;
}
