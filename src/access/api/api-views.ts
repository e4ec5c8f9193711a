import type { DependencyLink } from "../../core/dependencies/recorded-dependencies.js";
import type { PlanSummary } from "../../core/planning/plan-summary.js";
import { auditJson } from "../../render/audit-text.js";
import { runJson } from "../../render/run-history-text.js";
import type { ApiTokenRecord, EnvironmentRecord, LockRecord, RunRecord } from "../../core/ports/index.js";
import type { CertificateView } from "../../render/certificate-view.js";

// The JSON the API answers with, described by openapi-document.ts: times as ISO-8601 text, absent
// values as null, so every field is always there.

const iso = (date: Date | undefined): string | null => date?.toISOString() ?? null;

export function lockView(lock: LockRecord) {
  return {
    repository: lock.repository,
    environment: lock.environment,
    holder: lock.holder.kind === "pull-request" ? { kind: "pull-request" as const, pullRequest: lock.holder.number } : { kind: "cli" as const, user: lock.holder.user },
    acquiredAt: lock.acquiredAt.toISOString(),
  };
}

/** What a run planned or changed, from its recorded summary; null when it has none (it failed before a plan). */
function planView(summary: string | undefined) {
  if (summary === undefined) return null;
  try {
    const plan = JSON.parse(summary) as Partial<PlanSummary>;
    if (!plan.changes) return null;
    return {
      mode: plan.mode ?? "normal",
      changes: plan.changes,
      resources: (plan.resources ?? []).map((resource) => ({ address: resource.address, action: resource.action })),
      drift: (plan.drift ?? []).map((resource) => ({ address: resource.address, action: resource.action })),
    };
  } catch {
    return null;
  }
}

/** A run as the API shows it: the fields `history --json` prints, and what it planned. */
export function runView(run: RunRecord) {
  return { ...runJson(run), plan: planView(run.summary) };
}

export function environmentSummaryView(record: EnvironmentRecord, extra: { lock?: LockRecord; lastRun?: RunRecord }) {
  return {
    repository: record.repository,
    name: record.name,
    template: record.template,
    owner: record.owner,
    status: record.status,
    description: record.description ?? null,
    labels: record.labels ?? {},
    createdAt: record.createdAt.toISOString(),
    firstAppliedAt: iso(record.firstAppliedAt),
    expiresAt: iso(record.expiresAt),
    updatedAt: record.updatedAt.toISOString(),
    drifted: record.driftFingerprint !== undefined,
    hibernatedAt: iso(record.hibernatedAt),
    lock: extra.lock ? lockView(extra.lock) : null,
    lastRun: extra.lastRun ? runView(extra.lastRun) : null,
  };
}

export function environmentDetailView(
  record: EnvironmentRecord,
  extra: { lock?: LockRecord; runs: RunRecord[]; certificates?: readonly CertificateView[]; dependencies?: { upstreams: DependencyLink[]; dependents: DependencyLink[]; graph?: string } },
) {
  return {
    ...environmentSummaryView(record, { lock: extra.lock, lastRun: extra.runs[0] }),
    definition: record.definition ?? null,
    upstreams: extra.dependencies?.upstreams ?? [],
    dependents: extra.dependencies?.dependents ?? [],
    dependencyGraph: extra.dependencies?.graph ?? null,
    outputs: record.outputs ?? {},
    runs: extra.runs.map(runView),
    certificates: [...(extra.certificates ?? [])],
    // What is deployed: the successful applies and destroys, newest first.
    deployments: extra.runs
      .filter((run) => (run.kind === "apply" || run.kind === "destroy") && run.outcome === "succeeded")
      .map((run) => ({ runId: run.id, effect: run.kind, commit: run.commit ?? null, actor: run.actor, at: (run.finishedAt ?? run.startedAt).toISOString() })),
  };
}

/** An audit entry as the API shows it: the shape `envbot audit --json` prints. */
export const auditView = auditJson;

export function tokenView(token: ApiTokenRecord) {
  return { id: token.id, name: token.name, login: token.login, repositories: token.repositories, createdAt: token.createdAt.toISOString(), lastUsedAt: iso(token.lastUsedAt) };
}
