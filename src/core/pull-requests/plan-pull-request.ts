import type { ResolvedConfig } from "../config/repository-config.js";
import { asleepHoursPerWeek, describeSchedule } from "../hibernation/awake-schedule.js";
import { planEnvironment } from "../engine/index.js";
import { upstreamFirst, type Environment } from "../environment/index.js";
import type { PlanMode, PlanSummary } from "../planning/index.js";
import { authorize } from "../authorization/authorize.js";
import { handedOn, sameLockHolder, type PlanPreview, type RepoFiles } from "../ports/index.js";
import { readRepositoryConfig } from "../validation/index.js";
import { pullRequestHolder, resolveEnvironmentChanges, type DefinitionChange } from "./environment-changes.js";
import { auditPolicyDecision, changesPolicyFile, hasPullRequestPolicy, pullRequestPolicyReport } from "./check-pull-request-policy.js";
import { keepStillReferenced, loadDefinitions, withInputs } from "./load-definitions.js";
import { inputsToWaitFor } from "./input-waits.js";
import { definitionReferences, referencesToRemoved, type DefinitionReferences } from "../dependencies/definition-references.js";
import { environmentKey, type PullRequestDeps, type PullRequestJob } from "./pull-request-deps.js";
import type { EnvironmentReport, LifetimeReport, PullRequestPlanReport, PullRequestRef, TemplateSource } from "../ports/pull-request-report.js";

/**
 * A pull request was opened or pushed to (or someone asked to re-plan): validate the definitions
 * it touches, then plan each valid one, reporting as it goes. Returns undefined when the pull
 * request touches no definition.
 */
export async function planPullRequest(
  deps: PullRequestDeps,
  job: PullRequestJob & { pullRequest: PullRequestRef; only?: string },
): Promise<PullRequestPlanReport | undefined> {
  const { host } = deps;
  const { pullRequest: pr, reporter, signal } = job;
  const head = host.filesAt(pr.repository, pr.headSha);
  const changedFiles = await host.listChangedFiles(pr.repository, pr.number);
  const allChanges = await resolveEnvironmentChanges(changedFiles, head);
  const changes = allChanges.filter((c) => job.only === undefined || c.environment === job.only);
  const configChanged = changesPolicyFile(changedFiles);

  // Policy always comes from the default branch, never from the pull request.
  const defaultBranch = host.filesAt(pr.repository, pr.defaultBranch);
  const readConfig = () => readRepositoryConfig(defaultBranch).then((read) => read.config);
  // Who may ask for these changes, and whose approval they need: a check of its own, before any
  // plan; after the plans when an owner's cost is capped (the price is what the plan recorded).
  const checkPolicy = async (config: ResolvedConfig) => {
    const verdict = await pullRequestPolicyReport(deps, { pullRequest: pr, changes: allChanges, at: head, config, configChanged });
    await reporter.policyChecked(verdict);
    await auditPolicyDecision(deps.store, pr, "policy.check", verdict);
  };
  if (changes.length === 0) {
    if (job.only !== undefined) await reporter.environmentNotInPullRequest({ environment: job.only, environments: [...new Set(allChanges.map((c) => c.environment))] });
    // A change of the policy file alone plans nothing, but is gated by the policy it changes.
    else if (configChanged) {
      const config = await readConfig();
      if (hasPullRequestPolicy(config)) await checkPolicy(config);
    }
    return undefined;
  }

  const config = await readConfig();
  const policyToCheck = job.only === undefined && hasPullRequestPolicy(config);
  const policyAfterPlans = config.policy.quotas?.monthlyCostPerOwner !== undefined;
  if (policyToCheck && !policyAfterPlans) await checkPolicy(config);
  const tooMany = tooManyEnvironments(allChanges, config);
  if (tooMany) {
    if (policyToCheck && policyAfterPlans) await checkPolicy(config);
    const validation = { files: [], diagnostics: [], tooMany };
    await reporter.validationChecked(validation);
    const result: PullRequestPlanReport = { pullRequest: pr, validation, environments: [] };
    await reporter.planReported(result);
    return result;
  }

  // Trust model: definitions are data and come from the head; Terraform code runs only from the
  // head when the head is this repository and its author may write to it. Only such a pull
  // request may hold an environment's lock: one from a fork or a reader cannot block writers.
  const author = { kind: "pull-request" as const, number: pr.number, login: pr.author, fork: pr.headRepository !== pr.repository };
  const trusted = (await authorize(author, "run-head-templates", { repository: pr.repository }, host)).allowed;
  const templates = trusted ? head : defaultBranch;

  const applied = changes.filter((c) => c.effect === "apply");
  const loaded = await loadDefinitions({ changes: applied, definitions: head, templates, policy: defaultBranch, secrets: deps.secrets, repository: pr.repository, now: deps.now() });
  // Every definition at the head that takes outputs, read once, when the pull request removes or changes one.
  let atHead: Promise<DefinitionReferences[]> | undefined;
  const referencesAtHead = () => (atHead ??= definitionReferences(head));
  // Removing an environment others still take outputs from is refused, at their references.
  const removals = changes.filter((c) => c.effect === "destroy").map((c) => c.environment);
  const stillReferenced = referencesToRemoved(removals.length > 0 ? await referencesAtHead() : [], removals);
  const validation = { files: applied.map((c) => c.file), diagnostics: [...loaded.diagnostics, ...stillReferenced.diagnostics] };
  await reporter.validationChecked(validation);

  // A removed definition is destroyed on merge: plan that with the definition and template of the base.
  const base = host.filesAt(pr.repository, pr.baseSha);
  const removed = await loadDefinitions({ changes: changes.filter((c) => c.effect === "destroy"), definitions: base, templates: base, policy: defaultBranch, now: deps.now() });
  keepStillReferenced(removed, stillReferenced.referenced);

  const reports: EnvironmentReport[] = [];
  // Applied environments the pull request does not touch that take outputs of what it changes:
  // planned too (never locked, never applied by the merge), to show what the change does to them.
  const dependents = job.only === undefined ? await untouchedDependents(deps, { pr, head, templates, defaultBranch, changes: allChanges, references: referencesAtHead }) : undefined;
  // Environments that take outputs are planned after those they take them from in this pull
  // request, with the output values those plans know.
  const plannedUpstreams = new Map<string, Record<string, unknown>>();
  const ordered = [
    ...upstreamFirst([
      ...withInputs(applied, loaded),
      ...(dependents ? withInputs(dependents.changes, dependents.loaded) : []),
    ]).map((c) => c.change),
    ...changes.filter((c) => c.effect === "destroy"),
  ];
  let previewed = false;
  const plannedInRun = new Set(ordered.filter((c) => c.effect === "apply").map((c) => c.environment));
  for (const change of ordered) {
    // Handed on between environments: the next attempt plans the rest.
    if (handedOn(signal)) throw signal!.reason;
    const dependent = dependents?.takes.get(change.environment);
    const environment = (dependent ? dependents!.loaded : change.effect === "apply" ? loaded : removed).environments.get(change.environment);
    let report: EnvironmentReport;
    if (!environment) {
      const problems = (change.effect === "apply" ? loaded : removed).problems.get(change.environment) ?? 1;
      report = { kind: "invalid", environment: change.environment, file: change.file, problems };
    } else {
      const source: TemplateSource = change.effect === "destroy" ? "base" : trusted ? "head" : "default-branch";
      const templateFiles = { head, "default-branch": defaultBranch, base }[source];
      // Outputs no plan knows yet: planned at the merge, after those it takes them from.
      const waitsFor = change.effect === "apply" ? inputsToWaitFor(environment, plannedInRun, plannedUpstreams) : [];
      // The first plan whose attributes take another Terraform process is shown as soon as
      // Terraform planned it, with those planned before: the pull request's first comment comes
      // that much sooner. Only the first: each preview costs GitHub requests (the comment, the check).
      const onPreview = async (preview: PlannedReport) => {
        if (previewed || signal?.aborted) return;
        previewed = true;
        await reporter.planPreviewed({ pullRequest: pr, validation, environments: [...reports, preview], stillPlanning: ordered.slice(ordered.indexOf(change) + 1).map((c) => c.environment) });
      };
      report =
        waitsFor.length > 0
          ? { kind: "waiting", environment: change.environment, file: change.file, waitsFor, ...(dependent && { takesOutputsOf: dependent }) }
          : await planOne(deps, job, { change, environment, templateFiles, templateSource: source, takesLock: trusted && !dependent, config: loaded.config, plannedUpstreams, takesOutputsOf: dependent, onPreview });
      if (report.kind === "planned") plannedUpstreams.set(change.environment, report.summary.plannedOutputs ?? {});
    }
    // Handed on to another worker mid-plan: nothing of this environment is reported; the next
    // attempt reports it, from the check run this one started. A plan that finished all the same
    // is reported here: planning it again elsewhere would only repeat it.
    if (handedOn(signal) && report.kind !== "planned") throw signal!.reason;
    reports.push(report);
    if (report.kind !== "invalid") await reporter.environmentPlanned(report);
    if (signal?.aborted && !handedOn(signal)) break;
  }

  if (policyToCheck && policyAfterPlans && !signal?.aborted) await checkPolicy(config);
  const result: PullRequestPlanReport = { pullRequest: pr, validation, environments: reports };
  // Superseded: the newer job reports. Handed on after every environment was planned: done here.
  if (!signal?.aborted || handedOn(signal)) await reporter.planReported(result);
  return result;
}

/** Over the policy's limit of environments per pull request: how many, and the limit. */
export function tooManyEnvironments(changes: readonly DefinitionChange[], config: ResolvedConfig): { count: number; max: number } | undefined {
  const count = new Set(changes.map((c) => c.environment)).size;
  const max = config.limits.maxEnvironmentsPerPullRequest;
  return count > max ? { count, max } : undefined;
}

/**
 * Plans one environment of the pull request unless another pull request holds its lock. A
 * trusted pull request takes the lock (or holds it already); an untrusted one plans without it.
 */
async function planOne(
  deps: PullRequestDeps,
  job: PullRequestJob & { pullRequest: PullRequestRef },
  input: {
    change: DefinitionChange;
    environment: Environment;
    templateFiles: RepoFiles;
    templateSource: TemplateSource;
    takesLock: boolean;
    config: ResolvedConfig;
    plannedUpstreams?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
    /** Not changed by the pull request: planned because it takes these environments' outputs. */
    takesOutputsOf?: string[];
    onPreview?: (report: PlannedReport) => Promise<void>;
  },
): Promise<EnvironmentReport> {
  const { pullRequest: pr } = job;
  const { change, environment } = input;
  const holder = pullRequestHolder(pr.number);
  const heldBy = input.takesLock
    ? await deps.store.acquireLock(pr.repository, environment.name, holder).then((lock) => (lock.acquired ? undefined : lock.heldBy))
    : (await deps.store.listLocks(pr.repository)).find((lock) => lock.environment === environment.name && !sameLockHolder(lock.holder, holder));
  if (heldBy) {
    return { kind: "locked", environment: environment.name, file: change.file, heldBy: heldBy.holder, since: heldBy.acquiredAt };
  }
  await job.reporter.planStarted(environment.name);
  const alreadyDestroyed = change.effect === "destroy" && (await deps.store.getEnvironment(pr.repository, environment.name))?.status === "destroyed";
  const mode: PlanMode = change.effect === "destroy" ? "destroy" : "normal";
  const context = {
    repository: pr.repository,
    commit: pr.headSha,
    actor: { kind: "pull-request" as const, number: pr.number, login: pr.author },
    templateFiles: input.templateFiles,
    config: input.config,
    signal: job.signal,
    onOutput: job.onOutput,
    mayRetry: job.mayRetry,
    ...(input.plannedUpstreams && { plannedUpstreams: input.plannedUpstreams }),
    ...(input.onPreview && { onPlanPreview: (preview: PlanPreview) => input.onPreview!({ ...planned(preview.summary, preview.text, undefined), attributesPending: true }) }),
  };
  const outcome = await deps.queue.exclusive(environmentKey(pr.repository, environment.name), () => planEnvironment(deps, context, environment, mode));
  // Superseded while planning: the newer job reports. (Handed on: a finished plan is still reported.)
  if (job.signal?.aborted && !(handedOn(job.signal) && outcome.ok)) return { kind: "superseded", environment: environment.name, file: change.file };
  if (!outcome.ok) {
    return { kind: "failed", environment: environment.name, file: change.file, effect: change.effect, reason: outcome.reason, details: outcome.details, log: outcome.run.logExcerpt ?? "" };
  }
  return planned(outcome.plan.summary, outcome.plan.text, outcome.expiresAt);

  function planned(summary: PlanSummary, planText: string, expiresAt: Date | undefined): PlannedReport {
    return {
      kind: "planned",
      environment: environment.name,
      file: change.file,
      effect: change.effect,
      summary,
      planText,
      templateSource: input.templateSource,
      ...(input.takesLock ? { lockHolder: holder } : {}),
      ...(alreadyDestroyed ? { alreadyDestroyed } : {}),
      ...(change.effect === "apply" ? { lifetime: lifetimeReport(environment, expiresAt) } : {}),
      ...(change.effect === "apply" && environment.hibernation
        ? { hibernation: { schedule: describeSchedule(environment.hibernation), asleepHoursPerWeek: asleepHoursPerWeek(environment.hibernation), form: environment.template.sleep ? ("sleep-values" as const) : ("destroyed" as const) } }
        : {}),
      ...(input.takesOutputsOf && { takesOutputsOf: input.takesOutputsOf }),
    };
  }
}

type PlannedReport = Extract<EnvironmentReport, { kind: "planned" }>;

function lifetimeReport(environment: Environment, expiresAt: Date | undefined): LifetimeReport {
  const { lifetime } = environment;
  if (lifetime.kind === "ttl") return { kind: "ttl", ttl: lifetime.text, defaulted: lifetime.defaulted === true, ...(expiresAt ? { expiresAt } : {}) };
  if (lifetime.kind === "expiresAt") return { kind: "expiresAt", expiresAt: lifetime.at };
  return { kind: "unlimited" };
}

/**
 * The applied environments at the head that the pull request does not change but that take
 * outputs of one it changes, directly or through others, each with those it takes them from;
 * their definitions validated (one that is not valid is its own pull request's business).
 */
async function untouchedDependents(
  deps: PullRequestDeps,
  input: { pr: PullRequestRef; head: RepoFiles; templates: RepoFiles; defaultBranch: RepoFiles; changes: readonly DefinitionChange[]; references: () => Promise<DefinitionReferences[]> },
): Promise<{ changes: DefinitionChange[]; loaded: Awaited<ReturnType<typeof loadDefinitions>>; takes: Map<string, string[]> } | undefined> {
  const changed = new Set(input.changes.filter((c) => c.effect === "apply").map((c) => c.environment));
  if (changed.size === 0) return undefined;
  const touched = new Set(input.changes.map((c) => c.environment));
  const references = await input.references();
  if (references.length === 0) return undefined;
  // Through chains: whatever takes outputs of a changed environment, or of one found so far.
  const reached = new Set(changed);
  const takes = new Map<string, string[]>();
  const files = new Map<string, string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const { name, file, references: taken } of references) {
      if (touched.has(name) || takes.has(name)) continue;
      const upstreams = [...new Set(Object.values(taken).map((r) => r.fromEnvironment))].filter((u) => reached.has(u));
      if (upstreams.length === 0) continue;
      takes.set(name, upstreams);
      files.set(name, file);
      reached.add(name);
      grew = true;
    }
  }
  const live: DefinitionChange[] = [];
  for (const [name, file] of files) {
    const record = await deps.store.getEnvironment(input.pr.repository, name);
    if (record && record.firstAppliedAt !== undefined && record.status !== "destroyed") live.push({ environment: name, file, effect: "apply" });
  }
  if (live.length === 0) return undefined;
  const loaded = await loadDefinitions({ changes: live, definitions: input.head, templates: input.templates, policy: input.defaultBranch, secrets: deps.secrets, repository: input.pr.repository, now: deps.now() });
  const valid = live.filter((c) => loaded.environments.has(c.environment));
  return valid.length === 0 ? undefined : { changes: valid, loaded, takes };
}
