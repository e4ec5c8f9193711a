import { isDeepStrictEqual } from "node:util";
import type { Environment } from "../environment/index.js";
import type { Store } from "../ports/index.js";
import { domainEvent } from "../events/domain-event.js";
import { planEnvironment, unrecordedStore, type OperationContext } from "../engine/index.js";
import type { ResourceChange } from "../planning/index.js";
import type { DriftReport } from "../ports/index.js";
import { environmentKey } from "../pull-requests/pull-request-deps.js";
import { loadAppliedEnvironments, type AppliedEnvironment } from "./load-applied-environments.js";
import type { SweepEntry, SweepInput, SweepResult } from "./reconcile-types.js";
import { RECONCILER_ACTOR } from "./run-expiry-sweep.js";
import { sleepingForm } from "../environment/sleeping-form.js";

/**
 * Compares each active environment with the world and with Git in one normal plan: its drift is
 * what changed outside Terraform, its planned changes what Git says and was not applied. One
 * issue per environment is opened, updated when the drift changes, and closed when it is gone.
 */
export async function runDriftSweep(input: SweepInput): Promise<SweepResult> {
  const { deps, repository, now } = input;
  const { applied, config } = await loadAppliedEnvironments({ store: deps.store, repository, files: input.files, now, only: input.only });
  const candidates = applied.filter((a) => a.record.status === "active" || a.record.status === "expiring");
  const entries: SweepEntry[] = new Array(candidates.length);
  // A dry run checks as any sweep does, and records no run, audit entry or event of it.
  const checkDeps = input.dryRun ? { ...deps, store: unrecordedStore(deps.store) } : deps;

  // A small pool: at most `concurrency` environments are planned at once.
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const index = next++;
      entries[index] = await checkOne(candidates[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, candidates.length)) }, worker));
  return { kind: "drift", repository, dryRun: input.dryRun, config, entries };

  async function checkOne(applied: AppliedEnvironment): Promise<SweepEntry> {
    const { record, environment } = applied;
    const notice = { repository, environment: record.name, file: applied.file, owner: record.owner };
    if (!environment) {
      if (!input.dryRun) await input.reporter.definitionUnusable({ ...notice, problems: applied.problems });
      return { environment: record.name, action: "unusable", detail: applied.problems.join("; ") };
    }
    if (input.dispatch && !input.dryRun) {
      await input.dispatch(record.name);
      return { environment: record.name, action: "check", outcome: "queued" };
    }
    // Asleep, it is judged against its sleeping form; destroyed until it wakes, there is nothing in its state to drift.
    const expected = record.hibernatedAt === undefined ? environment : sleepingForm(environment);
    if (!expected) return { environment: record.name, action: "in-sync", detail: "asleep: destroyed until it wakes" };
    input.onProgress?.(`${repository}: ${record.name}: checking for drift`);
    const context: OperationContext = { repository, actor: RECONCILER_ACTOR, templateFiles: input.files, config };
    const check = () => planEnvironment(checkDeps, context, expected, "normal", "drift");
    const planned = deps.queue ? await deps.queue.exclusive(environmentKey(repository, record.name), check) : await check();
    if (!planned.ok) return { environment: record.name, action: "none", outcome: "failed", detail: planned.reason };

    // A planned change that only undoes drift is reported as the drift, not again as Git's.
    const cloudDrift = planned.plan.summary.drift;
    const drifted = new Set(cloudDrift.map((r) => r.address));
    const pendingInGit = planned.plan.summary.resources.filter((r) => !drifted.has(r.address));
    if (cloudDrift.length === 0 && pendingInGit.length === 0) {
      const wasDrifting = record.driftFingerprint !== undefined;
      if (wasDrifting && !input.dryRun) {
        await input.reporter.driftResolved(notice);
        const resolved = domainEvent({ type: "drift-resolved", repository, environment: record.name, actor: "reconciler" }, input.now);
        await deps.store.upsertEnvironment({ repository, name: record.name, driftFingerprint: undefined }, [resolved]);
        return { environment: record.name, action: "drift-resolved", outcome: "done" };
      }
      return { environment: record.name, action: wasDrifting ? "drift-resolved" : "in-sync" };
    }

    const inputsChanged = pendingInGit.length > 0 ? await changedInputs(deps.store, repository, expected, planned.plan.summary.inputs ?? {}) : [];
    const report: DriftReport = { ...notice, cloudDrift, pendingInGit, fingerprint: fingerprintOf(cloudDrift, pendingInGit), ...(inputsChanged.length > 0 && { inputsChanged }) };
    const detail = describe(report);
    if (input.dryRun) return { environment: record.name, action: "drift", detail };
    if (record.driftFingerprint === report.fingerprint) {
      return { environment: record.name, action: "drift", outcome: "done", detail: `${detail} (reported before, unchanged)` };
    }
    const { where } = await input.reporter.driftFound(report);
    const found = domainEvent(
      { type: "drift-found", repository, environment: record.name, actor: "reconciler", fingerprint: report.fingerprint, drifted: report.cloudDrift.length, pendingInGit: report.pendingInGit.length },
      input.now,
    );
    await deps.store.upsertEnvironment({ repository, name: record.name, driftFingerprint: report.fingerprint }, [found]);
    return { environment: record.name, action: "drift", outcome: "done", detail: where ? `${detail} (${where})` : detail };
  }
}

/**
 * The variables taken from other environments' outputs whose values now differ from those its
 * last successful apply took (its run keeps them): an upstream was applied again since.
 */
async function changedInputs(store: Pick<Store, "listRuns">, repository: string, environment: Environment, now: Record<string, unknown>): Promise<NonNullable<DriftReport["inputsChanged"]>> {
  if (Object.keys(environment.inputs).length === 0) return [];
  const lastApply = (await store.listRuns(repository, environment.name, 50)).find((run) => run.kind === "apply" && run.outcome === "succeeded");
  const before = inputsOf(lastApply?.summary);
  return Object.entries(environment.inputs)
    .filter(([variable]) => !isDeepStrictEqual(before[variable], now[variable]))
    .map(([variable, reference]) => ({ variable, fromEnvironment: reference.fromEnvironment, output: reference.output }));
}

function describe(report: DriftReport): string {
  const parts = [];
  if (report.inputsChanged?.length) parts.push(`input changed: ${report.inputsChanged.map((i) => `${i.variable} (${i.output} of ${i.fromEnvironment})`).join(", ")}`);
  if (report.cloudDrift.length > 0) parts.push(`${report.cloudDrift.length} resource(s) changed outside Terraform`);
  if (report.pendingInGit.length > 0) parts.push(`${report.pendingInGit.length} change(s) in Git not applied`);
  return parts.join(", ");
}

/** Stable for equal drift, whatever order Terraform listed it in. */
function fingerprintOf(cloudDrift: ResourceChange[], pendingInGit: ResourceChange[]): string {
  const canonical = (list: ResourceChange[]) =>
    [...list].sort((a, b) => a.address.localeCompare(b.address)).map((r) => [r.address, r.action, r.attributes.map((a) => [a.path, a.before, a.after, a.sensitive])]);
  const text = JSON.stringify([canonical(cloudDrift), canonical(pendingInGit)]);
  // FNV-1a: short and stable; no cryptographic need here.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** The inputs a run's recorded summary keeps; none when it has no summary or it is not JSON. */
function inputsOf(summary: string | undefined): Record<string, unknown> {
  try {
    const inputs = summary === undefined ? undefined : (JSON.parse(summary) as { inputs?: unknown }).inputs;
    return typeof inputs === "object" && inputs !== null ? (inputs as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
