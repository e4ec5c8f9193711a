import type { ResolvedConfig } from "../config/repository-config.js";
import { planEnvironment } from "../engine/index.js";
import type { Environment } from "../environment/index.js";
import type { PlanMode } from "../planning/index.js";
import { canWrite, type RepoFiles } from "../ports.js";
import { environmentChanges, pullRequestHolder, type DefinitionChange } from "./environment-changes.js";
import { loadDefinitions } from "./load-definitions.js";
import { environmentKey, type PullRequestDeps, type PullRequestJob } from "./pull-request-deps.js";
import type { EnvironmentReport, PullRequestPlanReport, PullRequestRef } from "./pull-request-report.js";

/**
 * A pull request was opened or pushed to (or someone asked to re-plan): validate the definitions
 * it touches, then plan each valid one under the pull request's lock, reporting as it goes.
 * Returns undefined when the pull request touches no definition.
 */
export async function planPullRequest(
  deps: PullRequestDeps,
  job: PullRequestJob & { pullRequest: PullRequestRef; only?: string },
): Promise<PullRequestPlanReport | undefined> {
  const { host } = deps;
  const { pullRequest: pr, reporter, signal } = job;
  const changes = environmentChanges(await host.listChangedFiles(pr.repository, pr.number)).filter(
    (c) => job.only === undefined || c.environment === job.only,
  );
  if (changes.length === 0) return undefined;

  // Trust model: definitions are data and come from the head; Terraform code runs only from the
  // head when the head is this repository and its author may write to it.
  const head = host.filesAt(pr.repository, pr.headSha);
  const defaultBranch = host.filesAt(pr.repository, pr.defaultBranch);
  const trusted = pr.headRepository === pr.repository && canWrite(await host.permissionOf(pr.repository, pr.author));
  const templates = trusted ? head : defaultBranch;

  const applied = changes.filter((c) => c.effect === "apply");
  const loaded = await loadDefinitions({ changes: applied, definitions: head, templates, policy: defaultBranch, now: deps.now() });
  const validation = { files: applied.map((c) => c.file), diagnostics: loaded.diagnostics };
  await reporter.validationChecked(validation);

  // A removed definition is destroyed on merge: plan that with the definition and template of the base.
  const base = host.filesAt(pr.repository, pr.baseSha);
  const removed = await loadDefinitions({ changes: changes.filter((c) => c.effect === "destroy"), definitions: base, templates: base, policy: defaultBranch, now: deps.now() });

  const reports: EnvironmentReport[] = [];
  for (const change of changes) {
    const environment = (change.effect === "apply" ? loaded : removed).environments.get(change.environment);
    let report: EnvironmentReport;
    if (!environment) {
      const problems = (change.effect === "apply" ? loaded : removed).problems.get(change.environment) ?? 1;
      report = { kind: "invalid", environment: change.environment, file: change.file, problems };
    } else {
      const templateFiles = change.effect === "apply" ? templates : base;
      report = await planUnderLock(deps, job, { change, environment, templateFiles, templatesFromHead: change.effect === "apply" && trusted, config: loaded.config });
    }
    reports.push(report);
    if (report.kind !== "invalid") await reporter.environmentPlanned(report);
    if (signal?.aborted) break;
  }

  const result: PullRequestPlanReport = { pullRequest: pr, validation, environments: reports };
  if (!signal?.aborted) await reporter.planReported(result);
  return result;
}

/** Plans one environment of the pull request if the pull request holds (or can take) its lock. */
async function planUnderLock(
  deps: PullRequestDeps,
  job: PullRequestJob & { pullRequest: PullRequestRef },
  input: { change: DefinitionChange; environment: Environment; templateFiles: RepoFiles; templatesFromHead: boolean; config: ResolvedConfig },
): Promise<EnvironmentReport> {
  const { pullRequest: pr } = job;
  const { change, environment } = input;
  const holder = pullRequestHolder(pr.number);
  const lock = await deps.store.acquireLock(pr.repository, environment.name, holder);
  if (!lock.acquired) {
    return { kind: "locked", environment: environment.name, file: change.file, heldBy: lock.heldBy.holder, since: lock.heldBy.acquiredAt };
  }
  await job.reporter.planStarted(environment.name);
  const mode: PlanMode = change.effect === "destroy" ? "destroy" : "normal";
  const context = { repository: pr.repository, commit: pr.headSha, actor: pr.author, templateFiles: input.templateFiles, config: input.config, signal: job.signal, onOutput: job.onOutput };
  const outcome = await deps.queue.exclusive(environmentKey(pr.repository, environment.name), () => planEnvironment(deps, context, environment, mode));
  if (job.signal?.aborted) return { kind: "superseded", environment: environment.name, file: change.file };
  if (!outcome.ok) {
    return { kind: "failed", environment: environment.name, file: change.file, effect: change.effect, reason: outcome.reason, details: outcome.details, log: outcome.run.logExcerpt ?? "" };
  }
  return {
    kind: "planned",
    environment: environment.name,
    file: change.file,
    effect: change.effect,
    summary: outcome.plan.summary,
    planText: outcome.plan.text,
    templateSource: input.templatesFromHead ? "head" : "default-branch",
    lockHolder: holder,
  };
}
