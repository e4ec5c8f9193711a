import type { Context, Probot } from "probot";
import { githubCodeHost } from "../../adapters/github/github-code-host.js";
import { githubRepositoryChanges } from "../../adapters/github/github-repository-changes.js";
import type { Octokit } from "../../adapters/github/octokit-types.js";
import type { Actor } from "../../core/authorization/actor.js";
import { authorize, canWrite, type Action } from "../../core/authorization/authorize.js";
import { extendEnvironment, proposeDestroy, refusalText, requestDriftAnswer, unlockPullRequestLocks, wakeEnvironment, type ActionOutcome } from "../../core/environment-actions/index.js";
import { queuedJob } from "../../core/jobs/envbot-job.js";
import { policyTargetOf } from "../../core/policy/index.js";
import type { CodeHost } from "../../core/ports/index.js";
import { environmentChanges, parseCommentCommand, type CommentCommand } from "../../core/pull-requests/index.js";
import { readRepositoryConfig } from "../../core/validation/index.js";
import { plannedRevertCommit, renderRevertNeedsPlan } from "../../render/drift-answer-texts.js";
import {
  commandVerbsOn,
  renderActionNotTaken,
  renderWakeTaken,
  renderCommandOnClosedPullRequest,
  renderCommandRefusal,
  renderHelp,
  renderProposalOpened,
  renderUnknownCommand,
  renderUnlockResult,
  type CommandPage,
} from "../../render/command-replies.js";
import { DRIFT_LABEL, EXPIRY_LABEL } from "../../render/reconcile-texts.js";
import { codeSpan } from "../../render/markdown.js";
import type { AppServices } from "./app-services.js";
import { deliveryHandled, newDelivery } from "./job-support.js";
import { planJob } from "./pull-request-handlers.js";
import { pullRequestRef } from "./pull-request-ref.js";

type CommentContext = Context<"issue_comment.created">;

/** An issue envbot opened about one environment, where comment commands are taken. */
interface EnvironmentIssue {
  where: Exclude<CommandPage, "pull-request">;
  environment: string;
}

/**
 * `/envbot ...` comments: on a pull request plan, unlock, extend, destroy, wake and help; on an
 * expiry warning issue extend, wake and help; on a drift issue revert, adopt, wake and help (NAME
 * is then the issue's environment). Every command is authorized by
 * `authorize` with the default branch's policy, and a refusal says which rule. Only people with
 * write access get envbot to post: anyone else's command is answered with a reaction, never a
 * comment, so a public repository's visitors cannot make envbot write.
 */
export function registerCommentCommandHandler(app: Probot, services: AppServices): void {
  app.on("issue_comment.created", async (context) => {
    const { issue, comment } = context.payload;
    if (comment.user?.type === "Bot") return;
    const command = parseCommentCommand(comment.body ?? "");
    if (!command) return;
    const onIssue = issue.pull_request ? undefined : environmentIssue(issue);
    if (!issue.pull_request && onIssue === undefined) return;
    if (!(await newDelivery(services, context))) return;
    // A queued plan's delivery is recorded with its job; anything else is done here.
    const queued = await runCommand(context, services, command, onIssue);
    if (queued !== true) await deliveryHandled(services, context);
  });
}

/** The environment an expiry warning or drift issue is about (its label and title say), or undefined. */
function environmentIssue(issue: { title: string; labels?: ({ name?: string } | string)[] }): EnvironmentIssue | undefined {
  const labels = new Set((issue.labels ?? []).map((label) => (typeof label === "string" ? label : label.name)));
  const expiring = labels.has(EXPIRY_LABEL) ? /^envbot: environment ([a-z0-9-]+) expires/.exec(issue.title)?.[1] : undefined;
  if (expiring !== undefined) return { where: "expiry-issue", environment: expiring };
  const drifting = labels.has(DRIFT_LABEL) ? /^envbot: drift in environment ([a-z0-9-]+)$/.exec(issue.title)?.[1] : undefined;
  return drifting !== undefined ? { where: "drift-issue", environment: drifting } : undefined;
}

/** "`/envbot extend`, `/envbot wake` and `/envbot help`": the commands a page takes, in words. */
function commandsOn(where: CommandPage): string {
  const verbs = commandVerbsOn(where).map((verb) => codeSpan(`/envbot ${verb}`));
  return `${verbs.slice(0, -1).join(", ")} and ${verbs.at(-1)}`;
}

/** Answers the command; true when it queued a job (which records the delivery). */
async function runCommand(context: CommentContext, services: AppServices, command: CommentCommand, onIssue: EnvironmentIssue | undefined): Promise<boolean | void> {
  const { issue, comment, repository } = context.payload;
  const host = githubCodeHost(context.octokit);
  const login = comment.user?.login ?? "ghost";
  const actor: Actor = { kind: "pull-request", number: issue.number, login, comment: true };
  const audit = (action: string, outcome: string, detail?: string, environment?: string) =>
    services.engine.store.recordAudit({ actor: login, source: "comment", action, repository: repository.full_name, environment, outcome, detail: detail ?? `#${issue.number}` });
  const reply = async (body: string) => void (await context.octokit.rest.issues.createComment(context.issue({ body })));
  const react = async (content: "+1" | "-1") => void (await context.octokit.rest.reactions.createForIssueComment(context.repo({ comment_id: comment.id, content })));
  const acknowledge = () => react("+1");

  const permission = await host.permissionOf(repository.full_name, login);
  if (!canWrite(permission)) {
    // A reaction, once per delivery (a redelivery is ignored before this): a comment would let
    // anyone make envbot post on a public repository.
    await audit(command.kind, "refused", `#${issue.number}: /envbot commands need write permission; ${login} has ${permission}`, "environment" in command ? command.environment : undefined);
    return react("-1");
  }
  const { config } = await readRepositoryConfig(host.filesAt(repository.full_name, repository.default_branch));

  if (command.kind === "unknown") return reply(renderUnknownCommand(command.text));
  if (command.kind === "help") return reply(await helpFor(host, actor, repository.full_name, onIssue, config));
  const where: CommandPage = onIssue?.where ?? "pull-request";
  if (!commandVerbsOn(where).includes(command.kind)) {
    const here = where === "expiry-issue" ? "an expiry warning" : where === "drift-issue" ? "a drift issue" : "a pull request";
    const elsewhere = command.kind === "revert" || command.kind === "adopt" ? "it works on a drift issue" : "the other commands work on a pull request";
    return reply(renderActionNotTaken({ login, command: `/envbot ${command.kind}`, reason: `on ${here}, envbot takes ${commandsOn(where)}; ${elsewhere}.` }));
  }
  const installation = context.payload.installation?.id;
  if (installation === undefined) throw new Error("a comment webhook without its installation");
  const actionDeps = { store: services.engine.store, policy: host, changes: githubRepositoryChanges(async () => context.octokit as Octokit), now: () => new Date(), queue: services.queue };

  if (command.kind === "revert" || command.kind === "adopt") {
    // Taken on a drift issue only (checked above): its environment.
    const name = onIssue?.environment;
    if (name === undefined) return;
    const typed = command.kind === "revert" ? `/envbot revert${command.confirm ? " confirm" : ""}` : "/envbot adopt";
    let commit: string | undefined;
    if (command.kind === "revert" && command.confirm) {
      // The plan shown is the one applied: the newest revert plan envbot posted here names its commit.
      const comments = await context.octokit.paginate(context.octokit.rest.issues.listComments, context.issue({ per_page: 100 }));
      commit = plannedRevertCommit(comments.filter((c) => c.user?.type === "Bot").map((c) => c.body ?? ""), name);
      if (commit === undefined) return reply(renderRevertNeedsPlan({ login }));
    }
    const answer = command.kind === "adopt" ? "adopt" : command.confirm ? "revert" : "plan-revert";
    const outcome = await requestDriftAnswer(actionDeps, { repository: repository.full_name, name, actor, installation, answer, issue: issue.number, ...(commit !== undefined && { commit }) });
    if (!outcome.ok) return reply(renderActionNotTaken({ login, command: typed, reason: outcome.reason === "invalid" ? "the request was not valid." : `${outcome.detail}.` }));
    // The job answers on this issue: the plan, the outcome, or the pull request.
    return acknowledge();
  }

  if (command.kind === "extend" || command.kind === "destroy") {
    const name = command.environment ?? onIssue?.environment ?? (await onlyEnvironmentOf(host, repository.full_name, issue.number));
    const typed = command.kind === "extend" ? `/envbot extend ${command.environment ? `${command.environment} ` : ""}${command.by}` : `/envbot destroy ${command.environment}`;
    if (name === undefined) return reply(renderActionNotTaken({ login, command: typed, reason: "name the environment, as in `/envbot extend checkout 48h`: this pull request has none, or more than one." }));
    const outcome: ActionOutcome<{ pullRequest: { number: number; url: string }; to?: string }> =
      command.kind === "extend"
        ? await extendEnvironment(actionDeps, { repository: repository.full_name, name, actor, extension: { by: command.by } })
        : await proposeDestroy(actionDeps, { repository: repository.full_name, name, actor });
    if (!outcome.ok) {
      const reason = outcome.reason === "invalid" ? "the change would not be valid:" : `${outcome.detail}.`;
      return reply(renderActionNotTaken({ login, command: typed, reason, problems: outcome.reason === "invalid" ? outcome.problems : undefined }));
    }
    await acknowledge();
    return reply(renderProposalOpened({ kind: command.kind, environment: name, number: outcome.value.pullRequest.number, url: outcome.value.pullRequest.url, to: outcome.value.to }));
  }

  if (command.kind === "wake") {
    const name = command.environment ?? onIssue?.environment ?? (await onlyEnvironmentOf(host, repository.full_name, issue.number));
    const typed = `/envbot wake${command.environment ? ` ${command.environment}` : ""}${command.duration ? ` ${command.duration}` : ""}`;
    if (name === undefined) return reply(renderActionNotTaken({ login, command: typed, reason: "name the environment, as in `/envbot wake checkout 2h`: this pull request has none, or more than one." }));
    const outcome = await wakeEnvironment(actionDeps, { repository: repository.full_name, name, actor, installation, duration: command.duration });
    if (!outcome.ok) return reply(renderActionNotTaken({ login, command: typed, reason: outcome.reason === "invalid" ? "the duration is not one like 2h." : `${outcome.detail}.` }));
    await acknowledge();
    return reply(renderWakeTaken({ environment: name, until: outcome.value.until, asleep: outcome.value.waking }));
  }

  // unlock and plan: this pull request's own environments.
  if (command.kind === "unlock") {
    // Each lock on its own: releasing them all must not release one a named unlock would be refused.
    const outcome = await unlockPullRequestLocks({ store: services.engine.store, policy: host }, { repository: repository.full_name, number: issue.number, actor, config, only: command.environment });
    const named = command.environment === undefined ? undefined : outcome.refused[0];
    if (named) return reply(renderCommandRefusal({ login, policy: named.reason }));
    if (outcome.released.length === 0 && outcome.refused.length === 0) await audit("unlock", "not locked", undefined, command.environment);
    if (outcome.refused.length === 0) await acknowledge();
    return reply(renderUnlockResult({ ...outcome, environment: command.environment, number: issue.number }));
  }
  const record = command.environment === undefined ? undefined : await services.engine.store.getEnvironment(repository.full_name, command.environment);
  const target = { repository: repository.full_name, name: command.environment, ...policyTargetOf(record) };
  const decision = await authorize(actor, command.kind, target, host, config);
  if (!decision.allowed) {
    const reason = refusalText(actor, command.kind, repository.full_name, decision);
    await audit(command.kind, "refused", reason, command.environment);
    return reply(renderCommandRefusal({ login, policy: reason }));
  }
  const { data } = await context.octokit.rest.pulls.get(context.repo({ pull_number: issue.number }));
  if (data.state === "closed") {
    // A merged pull request's apply is under way or done: a plan now would only confuse it.
    return reply(renderCommandOnClosedPullRequest({ merged: data.merged_at !== null }));
  }
  // Acknowledge at once; the work itself goes through the queue.
  await acknowledge();
  const pullRequest = pullRequestRef(data);
  await services.queue.enqueue(queuedJob(planJob({ delivery: context.id, payload: context.payload, pullRequest, login, environment: command.environment })), { delivery: context.id });
  await audit("plan", "queued", undefined, command.environment);
  return true;
}

/** The one environment a pull request changes, when it changes exactly one. */
async function onlyEnvironmentOf(host: CodeHost, repository: string, number: number): Promise<string | undefined> {
  const names = [...new Set(environmentChanges(await host.listChangedFiles(repository, number)).map((c) => c.environment))];
  return names.length === 1 ? names[0] : undefined;
}

/** Which commands this commenter may use here, asked of authorize as the commands themselves would. */
async function helpFor(host: CodeHost, actor: Actor, repository: string, onIssue: EnvironmentIssue | undefined, config: Awaited<ReturnType<typeof readRepositoryConfig>>["config"]): Promise<string> {
  const where: CommandPage = onIssue?.where ?? "pull-request";
  const allowed = new Map<string, string | true>([["help", true]]);
  const verbs = commandVerbsOn(where).filter((verb) => verb !== "help") as Action[];
  for (const verb of verbs) {
    const decision = await authorize(actor, verb, { repository, name: onIssue?.environment }, host, config);
    allowed.set(verb, decision.allowed ? true : refusalText(actor, verb, repository, decision));
  }
  return renderHelp({ login: actor.kind === "pull-request" ? actor.login : "", where, allowed });
}
