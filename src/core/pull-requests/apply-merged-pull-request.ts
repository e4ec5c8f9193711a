import { applyPlan, closeInterruptedRun, DEFAULT_LEASE_WAIT_MS, planEnvironment, withEnvironmentLease } from "../engine/index.js";
import { upstreamFirst, upstreamsOf, type Environment } from "../environment/index.js";
import { handedOn, JobHandedOnError, sameLockHolder, type RepoFiles, type RunRecord } from "../ports/index.js";
import { pullRequestHolder, resolveEnvironmentChanges, type DefinitionChange } from "./environment-changes.js";
import { auditPolicyDecision, changesPolicyFile, hasPullRequestPolicy, policiesBeforeMerge, pullRequestPolicyReport } from "./check-pull-request-policy.js";
import { keepStillReferenced, loadDefinitions, withInputs } from "./load-definitions.js";
import { definitionReferences, referencesToRemoved } from "../dependencies/definition-references.js";
import { tooManyEnvironments } from "./plan-pull-request.js";
import { environmentKey, type PullRequestDeps, type PullRequestJob } from "./pull-request-deps.js";
import type { EnvironmentApplyReport, PullRequestApplyReport, PullRequestRef } from "../ports/pull-request-report.js";

/**
 * A pull request was merged: plan each changed environment again at the merge commit (what is on
 * the default branch now, so its templates are trusted) and apply it; destroy the environments
 * whose definitions it removed; then release the pull request's locks. Only a merge into the
 * default branch is applied: that is what the reconciler enforces later, and policy is always
 * the default branch's.
 */
export async function applyMergedPullRequest(
  deps: PullRequestDeps,
  job: PullRequestJob & { pullRequest: PullRequestRef; mergeSha: string; resumed?: boolean },
): Promise<PullRequestApplyReport | undefined> {
  const { host } = deps;
  const { pullRequest: pr, mergeSha, reporter } = job;
  const merged = host.filesAt(pr.repository, mergeSha);
  const changedFiles = await host.listChangedFiles(pr.repository, pr.number);
  const changes = await resolveEnvironmentChanges(changedFiles, merged);
  let handedToAnother = false;
  try {
    if (changes.length === 0) return undefined;
    if (pr.baseRef !== pr.defaultBranch) return await reportNotApplied({ kind: "not-default-branch" });
    // The default branch before the merge: the policy the merge brings judges nothing, not even itself.
    const configChanged = changesPolicyFile(changedFiles);
    const [parent = pr.baseSha] = await host.parentsOf(pr.repository, mergeSha);
    const policy = host.filesAt(pr.repository, parent);
    const judges = await policiesBeforeMerge(host, pr, { sha: parent, files: policy }, configChanged);
    const config = judges[0]!;
    const tooMany = tooManyEnvironments(changes, config);
    if (tooMany) return await reportNotApplied({ kind: "too-many-environments", ...tooMany });
    // Branch protection can be bypassed (an admin, a missing required check): the policy is asked again.
    for (const judge of judges.filter(hasPullRequestPolicy)) {
      const verdict = await pullRequestPolicyReport(deps, { pullRequest: pr, changes, at: merged, config: judge, configChanged });
      await auditPolicyDecision(deps.store, pr, "policy.merge", verdict);
      if (!verdict.satisfied) {
        await reporter.mergeRefusedByPolicy(verdict);
        return undefined;
      }
    }

    const base = host.filesAt(pr.repository, pr.baseSha);
    const applied = await loadDefinitions({ changes: changes.filter((c) => c.effect === "apply"), definitions: merged, templates: merged, policy, secrets: deps.secrets, repository: pr.repository, now: deps.now() });
    // A removed definition (and perhaps its template) is gone from the merge commit: destroy with the base's.
    const removed = await loadDefinitions({ changes: changes.filter((c) => c.effect === "destroy"), definitions: base, templates: base, policy, now: deps.now() });
    // An environment the merge removes while others still take its outputs is not destroyed.
    const removals = changes.filter((c) => c.effect === "destroy").map((c) => c.environment);
    if (removals.length > 0) keepStillReferenced(removed, referencesToRemoved(await definitionReferences(merged), removals).referenced);

    // Dependencies: dependents are destroyed before what they take outputs from, and applied after.
    const inOrder = (effect: DefinitionChange["effect"]) =>
      upstreamFirst(withInputs(changes.filter((c) => c.effect === effect), effect === "apply" ? applied : removed));
    const destroys = inOrder("destroy").reverse();
    const ordered = [...destroys, ...inOrder("apply")];
    const notDone = new Set<string>();
    const reports: EnvironmentApplyReport[] = [];
    for (const { change, inputs } of ordered) {
      // Handed on between environments: the next attempt goes on with the rest.
      if (handedOn(job.signal)) throw job.signal!.reason;
      const loaded = change.effect === "apply" ? applied : removed;
      const environment = loaded.environments.get(change.environment);
      const interrupted = job.resumed ? await interruptedRunOf(change.environment) : undefined;
      if (interrupted) await reporter.applyStarted(change.environment, change.effect); // finds the check run and deployment it had started
      const blocked = change.effect === "apply" ? upstreamsOf({ inputs }).find((upstream) => notDone.has(upstream)) : destroys.find((d) => notDone.has(d.name) && upstreamsOf(d).includes(change.environment))?.name;
      const report: EnvironmentApplyReport = interrupted
        ? { kind: "interrupted", environment: change.environment, effect: change.effect, reason: interrupted.error ?? "interrupted", repository: pr.repository }
        : blocked !== undefined
          ? blockedReport(change, blocked)
          : environment
            ? await applyOne(change, environment, change.effect === "apply" ? merged : base, loaded.config)
            : { kind: "invalid", environment: change.environment, problems: loaded.problems.get(change.environment) ?? 1 };
      if (report.kind !== "applied") notDone.add(change.environment);
      // Handed on to another worker mid-apply: its resumed job reports this apply as interrupted.
      // One that finished all the same is reported here, never applied a second time.
      if (handedOn(job.signal) && report.kind !== "applied") throw job.signal!.reason;
      reports.push(report);
      await reporter.environmentApplied(report);
    }
    const result: PullRequestApplyReport = { pullRequest: pr, mergeSha, environments: reports };
    await reporter.applyReported(result);
    return result;
  } catch (error) {
    handedToAnother = error instanceof JobHandedOnError;
    throw error;
  } finally {
    // A job handed on keeps the pull request's locks for the attempt that finishes it.
    if (!handedToAnother) await releasePullRequestLocks(deps, pr);
  }

  /** Not run: what it depends on (or what depends on it, for a destroy) was not done first. */
  function blockedReport(change: DefinitionChange, other: string): EnvironmentApplyReport {
    const reason =
      change.effect === "apply"
        ? `not applied: it takes an output of ${other}, which this merge did not apply`
        : `not destroyed: ${other}, which takes its outputs, was not destroyed`;
    return { kind: "failed", environment: change.environment, effect: change.effect, reason, details: "", log: "" };
  }

  async function reportNotApplied(notApplied: NonNullable<PullRequestApplyReport["notApplied"]>): Promise<PullRequestApplyReport> {
    const result: PullRequestApplyReport = { pullRequest: pr, mergeSha, environments: [], notApplied };
    await reporter.applyReported(result);
    return result;
  }

  /**
   * This job ran before and its process stopped: the apply or destroy of this merge it was
   * running, if any, is not run again (the state may be partly written and wants a person's look)
   * but reported. Under the lease, so it waits for a holder that may still be alive.
   */
  async function interruptedRunOf(environment: string): Promise<RunRecord | undefined> {
    const holder = `${pr.author} recovery`;
    return withEnvironmentLease(deps.store, { repository: pr.repository, environment, holder, signal: job.signal, maxWaitMs: deps.leaseWaitMs ?? DEFAULT_LEASE_WAIT_MS, ttlMs: deps.leaseTtlMs }, async () => {
      const [latest] = await deps.store.listRuns(pr.repository, environment, 1);
      if (!latest || latest.commit !== mergeSha || (latest.kind !== "apply" && latest.kind !== "destroy")) return undefined;
      if (latest.outcome === "running") return closeInterruptedRun(deps, latest);
      return latest.outcome === "interrupted" ? latest : undefined;
    });
  }

  async function applyOne(change: DefinitionChange, environment: Environment, templateFiles: RepoFiles, config: Parameters<typeof planEnvironment>[1]["config"]): Promise<EnvironmentApplyReport> {
    await reporter.applyStarted(environment.name, change.effect);
    const context = { repository: pr.repository, commit: mergeSha, actor: { kind: "pull-request" as const, number: pr.number, login: pr.author }, templateFiles, config, signal: job.signal, onOutput: job.onOutput, mayRetry: job.mayRetry };
    const alreadyDestroyed = change.effect === "destroy" && (await deps.store.getEnvironment(pr.repository, environment.name))?.status === "destroyed";
    return deps.queue.exclusive(environmentKey(pr.repository, environment.name), async (): Promise<EnvironmentApplyReport> => {
      const planned = await planEnvironment(deps, context, environment, change.effect === "destroy" ? "destroy" : "normal");
      if (!planned.ok) return { kind: "failed", environment: environment.name, effect: change.effect, reason: planned.reason, details: planned.details, log: planned.run.logExcerpt ?? "" };
      const outcome = await applyPlan(deps, context, environment, planned);
      if (!outcome.ok) return { kind: "failed", environment: environment.name, effect: change.effect, reason: outcome.reason, details: outcome.details, log: outcome.run.logExcerpt ?? "" };
      const outputs = Object.fromEntries(Object.entries(outcome.applied.outputs).filter(([, o]) => !o.sensitive).map(([name, o]) => [name, o.value]));
      const url = typeof outputs.url === "string" ? outputs.url : undefined;
      return { kind: "applied", environment: environment.name, effect: change.effect, summary: planned.plan.summary, outputs, url, ...(alreadyDestroyed ? { alreadyDestroyed } : {}) };
    });
  }
}

/** A pull request was closed without merging: its locks are released. Returns the environments. */
export async function releasePullRequestLocks(deps: Pick<PullRequestDeps, "store">, pr: Pick<PullRequestRef, "repository" | "number">, only?: string): Promise<string[]> {
  const released: string[] = [];
  for (const lock of await deps.store.listLocks(pr.repository)) {
    if (!sameLockHolder(lock.holder, pullRequestHolder(pr.number)) || (only !== undefined && lock.environment !== only)) continue;
    if (await deps.store.releaseLock(pr.repository, lock.environment, lock.holder)) released.push(lock.environment);
  }
  return released;
}
