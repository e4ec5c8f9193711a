import { CONFIG_PATH, type ResolvedConfig } from "../config/repository-config.js";
import { domainEvent } from "../events/domain-event.js";
import { recordedHourly } from "../cost/costed-environments.js";
import { evaluatePullRequestPolicy, type PolicyCosts, type PullRequestPolicyReport } from "../policy/index.js";
import type { ChangedFile, CodeHost, RepoFiles, Store } from "../ports/index.js";
import { resolveEnvironmentChanges, type DefinitionChange } from "./environment-changes.js";
import type { PullRequestDeps, PullRequestJob } from "./pull-request-deps.js";
import { readRepositoryConfig } from "../validation/index.js";
import type { PullRequestRef } from "../ports/pull-request-report.js";

/** Whether the repository has a policy to enforce on pull requests (or a policy file with mistakes, which blocks). */
export function hasPullRequestPolicy(config: ResolvedConfig): boolean {
  const { policy } = config;
  return config.unreadable === true || Object.keys(policy.templates ?? {}).length > 0 || (policy.environments ?? []).length > 0 || policy.protected?.approve !== undefined || policy.config?.approve !== undefined || policy.quotas !== undefined;
}

/**
 * The policy's verdict on a pull request's changes (see evaluatePullRequestPolicy), at `at`: its
 * head while it is open, the merge commit once merged. Approvals are asked of the code host.
 */
export async function pullRequestPolicyReport(
  deps: Pick<PullRequestDeps, "host" | "store" | "now">,
  input: { pullRequest: PullRequestRef; changes: readonly DefinitionChange[]; at: RepoFiles; config: ResolvedConfig; configChanged: boolean },
): Promise<PullRequestPolicyReport> {
  const { host } = deps;
  const { pullRequest: pr } = input;
  return evaluatePullRequestPolicy({
    costs: recordedPrices(deps.store, pr, deps.now()),
    changes: input.changes,
    head: input.at,
    base: host.filesAt(pr.repository, pr.baseSha),
    config: input.config,
    author: pr.author,
    approvals: await host.listApprovals(pr.repository, pr.number),
    headSha: pr.headSha,
    configChanged: input.configChanged,
    membership: host,
  });
}

/** Whether the pull request changes the policy file itself (which the policy gates too). */
export function changesPolicyFile(files: readonly ChangedFile[]): boolean {
  return files.some((f) => f.path === CONFIG_PATH || f.previousPath === CONFIG_PATH);
}

/**
 * The policies a merge is judged by: the default branch's as it was before the merge (the merge
 * commit's first parent), never what the merge itself brings. When the pull request changes the
 * policy file, also the one of its base: a rebase merge's first parent is one of the pull
 * request's own commits, which may already carry its change. Every one of them must be met.
 */
export async function policiesBeforeMerge(host: Pick<CodeHost, "filesAt">, pr: PullRequestRef, firstParent: { sha: string; files: RepoFiles }, configChanged: boolean): Promise<ResolvedConfig[]> {
  // The first parent's files are the caller's (it loads the definitions with them): read once.
  const judges = [firstParent.files, ...(configChanged && pr.baseSha !== firstParent.sha ? [host.filesAt(pr.repository, pr.baseSha)] : [])];
  return Promise.all(judges.map(async (files) => (await readRepositoryConfig(files)).config));
}

/**
 * Prices for the cost cap, from the run history in one read: an environment the pull request
 * changes at the price its plan of the pull request's head recorded; any other at its latest
 * recorded price (a plan's or an apply's).
 */
function recordedPrices(store: Pick<Store, "listPricedRuns">, pr: PullRequestRef, now: Date): PolicyCosts {
  return {
    now,
    async pricesOf(environments) {
      const changed = new Set(environments.filter((e) => e.changed).map((e) => e.environment));
      const prices = new Map<string, number>();
      // Newest first: the first run that counts is each environment's price.
      for (const run of await store.listPricedRuns(pr.repository, environments.map((e) => e.environment), PRICE_RUNS_READ)) {
        if (prices.has(run.environment)) continue;
        if (changed.has(run.environment) ? run.kind !== "plan" || run.commit !== pr.headSha : run.kind !== "plan" && run.kind !== "apply") continue;
        const hourly = recordedHourly(run.summary);
        if (hourly !== undefined) prices.set(run.environment, hourly);
      }
      return prices;
    },
  };
}

/** Priced runs looked at per environment: a pull request's plans of older heads come between. */
const PRICE_RUNS_READ = 50;

/** A review arrived or was dismissed: the policy check is decided again for the pull request's head. */
export async function recheckPullRequestPolicy(deps: Pick<PullRequestDeps, "host" | "store" | "now">, job: Pick<PullRequestJob, "reporter"> & { pullRequest: PullRequestRef }): Promise<PullRequestPolicyReport | undefined> {
  const { host } = deps;
  const pr = job.pullRequest;
  const { config } = await readRepositoryConfig(host.filesAt(pr.repository, pr.defaultBranch));
  if (!hasPullRequestPolicy(config)) return undefined;
  const head = host.filesAt(pr.repository, pr.headSha);
  const files = await host.listChangedFiles(pr.repository, pr.number);
  const changes = await resolveEnvironmentChanges(files, head);
  const configChanged = changesPolicyFile(files);
  if (changes.length === 0 && !configChanged) return undefined;
  const report = await pullRequestPolicyReport(deps, { pullRequest: pr, changes, at: head, config, configChanged });
  await job.reporter.policyChecked(report);
  await auditPolicyDecision(deps.store, pr, "policy.check", report);
  return report;
}

/**
 * The policy's verdict in the audit trail (who asked for the changes, and what was missing) and,
 * when it holds a change back, a `policy-blocked` event for each environment it holds back; not
 * again when the pull request's previous verdict held it back for the very same reasons (a review
 * that changes nothing is no news for a notification target).
 */
export async function auditPolicyDecision(
  store: Pick<Store, "recordAudit" | "appendEvents" | "listAudit">,
  pullRequest: PullRequestRef,
  action: "policy.check" | "policy.merge",
  report: PullRequestPolicyReport,
  now = new Date(),
): Promise<void> {
  const unmet = report.findings.filter((f) => !f.met).map((f) => (f.environment ? `${f.environment}: ${f.message}` : f.message));
  const reasons = new Map<string, string[]>();
  for (const finding of report.findings) {
    if (!finding.met && finding.environment) reasons.set(finding.environment, [...(reasons.get(finding.environment) ?? []), finding.message]);
  }
  const stage = action === "policy.merge" ? "merge" : "pull-request";
  const commit = action === "policy.merge" ? undefined : pullRequest.headSha;
  const outcome = report.satisfied ? "met" : action === "policy.merge" ? "refused" : "unmet";
  const detail = `pull request #${pullRequest.number}${unmet.length > 0 ? `: ${unmet.join("; ")}` : ""}`.slice(0, 2000);
  const previous = await previousVerdict(store, pullRequest);
  const news = !(previous?.action === action && previous.outcome === outcome && previous.detail === detail);
  if (news) {
    await store.appendEvents(
      [...reasons].map(([environment, messages]) =>
        domainEvent({ type: "policy-blocked", repository: pullRequest.repository, environment, actor: pullRequest.author, ...(commit && { commit }), stage, reasons: messages }, now),
      ),
    );
  }
  await store.recordAudit({ actor: pullRequest.author, source: "policy", action, repository: pullRequest.repository, outcome, detail });
}

/** The audit trail's latest policy verdict on the pull request, among the repository's recent entries. */
async function previousVerdict(store: Pick<Store, "listAudit">, pullRequest: PullRequestRef) {
  const label = `pull request #${pullRequest.number}`;
  const recent = await store.listAudit({ repositories: [pullRequest.repository], limit: VERDICTS_LOOKED_AT });
  return recent.find((entry) => entry.source === "policy" && (entry.detail === label || entry.detail?.startsWith(`${label}: `)));
}

/** How far back the previous verdict is looked for: past it, a verdict is announced again. */
const VERDICTS_LOOKED_AT = 50;
