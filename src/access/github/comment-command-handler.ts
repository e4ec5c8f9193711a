import type { Probot } from "probot";
import { githubCodeHost } from "../../adapters/github/github-code-host.js";
import { authorize } from "../../core/authorization/authorize.js";
import { readRepositoryConfig } from "../../core/validation/index.js";
import { queuedJob } from "../../core/jobs/envbot-job.js";
import { parseCommentCommand, releasePullRequestLocks } from "../../core/pull-requests/index.js";
import { renderCommandOnClosedPullRequest, renderCommandRefusal, renderUnknownCommand, renderUnlockResult } from "../../render/command-replies.js";
import type { AppServices } from "./app-services.js";
import { deliveryHandled, newDelivery } from "./job-support.js";
import { planJob } from "./pull-request-handlers.js";
import { pullRequestRef } from "./pull-request-ref.js";

/** `/envbot plan [NAME]` and `/envbot unlock [NAME]` in a pull request comment. */
export function registerCommentCommandHandler(app: Probot, services: AppServices): void {
  app.on("issue_comment.created", async (context) => {
    const { issue, comment, repository } = context.payload;
    if (!issue.pull_request || comment.user?.type === "Bot") return;
    const command = parseCommentCommand(comment.body ?? "");
    if (!command || !(await newDelivery(services, context))) return;

    const host = githubCodeHost(context.octokit);
    const login = comment.user?.login ?? "ghost";
    const actor = { kind: "pull-request" as const, number: issue.number, login };
    const action = command.kind === "unlock" ? "unlock" : "plan";
    const name = command.kind === "unknown" ? undefined : command.environment;
    // The policy of the default branch decides, with what envbot knows of the environment.
    const { config } = await readRepositoryConfig(host.filesAt(repository.full_name, repository.default_branch));
    const record = name === undefined ? undefined : await services.engine.store.getEnvironment(repository.full_name, name);
    const target = { repository: repository.full_name, name, owner: record?.owner, template: record?.template, protected: (record?.definition?.spec as { protected?: unknown } | undefined)?.protected === true };
    const decision = await authorize(actor, action, target, host, command.kind === "unknown" ? undefined : config);
    if (!decision.allowed) {
      const body =
        decision.reason === "policy" || decision.reason === "policy-unreadable"
          ? renderCommandRefusal({ login, policy: decision.detail })
          : renderCommandRefusal({ login, repository: repository.full_name, permission: decision.reason === "needs-write" ? decision.permission : "none" });
      await context.octokit.rest.issues.createComment(context.issue({ body }));
      return deliveryHandled(services, context);
    }
    if (command.kind === "unknown") {
      await context.octokit.rest.issues.createComment(context.issue({ body: renderUnknownCommand(command.text) }));
      return deliveryHandled(services, context);
    }
    if (command.kind === "unlock") {
      await context.octokit.rest.reactions.createForIssueComment(context.repo({ comment_id: comment.id, content: "+1" }));
      const released = await releasePullRequestLocks(services.engine, { repository: repository.full_name, number: issue.number }, command.environment);
      await context.octokit.rest.issues.createComment(context.issue({ body: renderUnlockResult({ released, environment: command.environment, number: issue.number }) }));
      return deliveryHandled(services, context);
    }

    const { data } = await context.octokit.rest.pulls.get(context.repo({ pull_number: issue.number }));
    if (data.state === "closed") {
      // A merged pull request's apply is under way or done: a plan now would only confuse it.
      await context.octokit.rest.issues.createComment(context.issue({ body: renderCommandOnClosedPullRequest({ merged: data.merged_at !== null }) }));
      return deliveryHandled(services, context);
    }
    // Acknowledge at once; the work itself goes through the queue.
    await context.octokit.rest.reactions.createForIssueComment(context.repo({ comment_id: comment.id, content: "+1" }));
    const pullRequest = pullRequestRef(data);
    await services.queue.enqueue(queuedJob(planJob({ delivery: context.id, payload: context.payload, pullRequest, login, environment: command.environment })), { delivery: context.id });
  });
}
