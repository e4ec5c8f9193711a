import type { Actor } from "../authorization/actor.js";
import type { PullRequestRef } from "../ports/pull-request-report.js";
import type { SweepKind } from "../reconciling/reconcile-types.js";

/** What a drift issue asks (or the control plane): see the revert's plan, revert, or adopt the drift. */
export type DriftAnswer = "plan-revert" | "revert" | "adopt";

/**
 * The work the queue carries, as JSON: enough to rebuild everything a job needs in any process
 * (the installation gives the GitHub client; the pull request and actor the rest). Never a
 * closure, so a job is kept across a restart and could run on another machine.
 */
export type EnvbotJob =
  /** A push, an opened or reopened pull request, or `/envbot plan [NAME]`. */
  | { kind: "plan-pull-request"; delivery: string; installation: number; pullRequest: PullRequestRef; environment?: string; actor: Actor }
  /** A review was submitted, edited or dismissed: the policy check is decided again (no plan). */
  | { kind: "check-pull-request-policy"; delivery: string; installation: number; pullRequest: PullRequestRef; actor: Actor }
  /** A pull request was closed: applied when merged into the default branch, its locks released either way. */
  | { kind: "close-pull-request"; delivery: string; installation: number; pullRequest: PullRequestRef; mergeSha: string | null; actor: Actor }
  /** "Plan now" from the control plane: one environment as defined on the default branch. */
  | { kind: "plan-environment"; installation: number; repository: string; defaultBranch: string; environment: string; actor: Actor }
  /** An immediate destroy the policy granted (policy.actions.destroyNow): the environment as defined on the default branch. */
  | { kind: "destroy-environment"; installation: number; repository: string; defaultBranch: string; environment: string; actor: Actor }
  /** An apply of the environment as defined on the default branch, which the server grants the bus (ENVBOT_AMQP_ALLOW). */
  | { kind: "apply-environment"; installation: number; repository: string; defaultBranch: string; environment: string; actor: Actor }
  /** Wakes a sleeping environment as defined on the default branch (hibernation), awake until `until` (ISO 8601). */
  | { kind: "wake-environment"; installation: number; repository: string; defaultBranch: string; environment: string; actor: Actor; until: string }
  /**
   * Drift answered (core/environment-actions/answer-drift.ts), reported on drift issue `issue`
   * (else the environment's open drift issue). A revert confirmed after a plan of `commit` applies
   * only while the default branch is still there.
   */
  | { kind: "answer-drift"; answer: DriftAnswer; installation: number; repository: string; defaultBranch: string; environment: string; actor: Actor; issue?: number; commit?: string }
  /** One environment's part of a scheduled sweep, fanned out across workers (scale-out). */
  | {
      kind: "sweep-environment";
      installation: number;
      repository: string;
      defaultBranch: string;
      /** The default branch's commit the sweep read: its jobs read the same files, once per worker. Absent from jobs queued before it was added: the branch's head then. */
      commit?: string;
      sweep: SweepKind;
      environment: string;
    };

/** Jobs of one pull request share a key: a newer one supersedes a queued or running plan. */
export function pullRequestJobKey(repository: string, number: number): string {
  return `${repository}#${number}`;
}

/**
 * How the queue holds a job: its key, and final when no later job may cancel it: a merge's
 * apply, and an expiry's destroy. A newer drift check of an environment supersedes an older one.
 */
export function queuedJob(job: EnvbotJob): { key: string; final: boolean; payload: EnvbotJob } {
  if (job.kind === "sweep-environment") return { key: `${job.repository}:${job.environment}:${job.sweep}`, final: job.sweep === "expiry", payload: job };
  if (job.kind === "plan-environment") return { key: `${job.repository}:${job.environment}:plan`, final: false, payload: job };
  // A destroy, once granted, is never superseded.
  if (job.kind === "destroy-environment") return { key: `${job.repository}:${job.environment}:destroy`, final: true, payload: job };
  if (job.kind === "apply-environment") return { key: `${job.repository}:${job.environment}:apply`, final: true, payload: job };
  // A newer wake of the environment supersedes an older one still waiting.
  if (job.kind === "wake-environment") return { key: `${job.repository}:${job.environment}:wake`, final: false, payload: job };
  // A revert once confirmed is never superseded; a newer plan or adoption replaces one still waiting.
  if (job.kind === "answer-drift") return { key: `${job.repository}:${job.environment}:${job.answer}`, final: job.answer === "revert", payload: job };
  // Its own key: a review must not cancel the pull request's running plan.
  if (job.kind === "check-pull-request-policy") return { key: `${pullRequestJobKey(job.pullRequest.repository, job.pullRequest.number)}:policy`, final: false, payload: job };
  return { key: pullRequestJobKey(job.pullRequest.repository, job.pullRequest.number), final: job.kind === "close-pull-request", payload: job };
}

/** A kept job read back: checked for the fields every kind needs, so a bad row fails clearly. */
export function parseEnvbotJob(payload: unknown): EnvbotJob {
  const job = payload as Record<string, unknown> | null;
  const ok = job !== null && typeof job === "object" && (isPullRequestJob(job) || isSweepJob(job) || isPlanEnvironmentJob(job) || isDriftAnswerJob(job));
  if (!ok) throw new Error(`not an envbot job: ${JSON.stringify(payload).slice(0, 200)}`);
  return job as unknown as EnvbotJob;
}

function isPullRequestJob(job: Record<string, unknown>): boolean {
  const pullRequest = job.pullRequest as Partial<PullRequestRef> | undefined;
  return (
    (job.kind === "plan-pull-request" || job.kind === "close-pull-request" || job.kind === "check-pull-request-policy") &&
    typeof job.installation === "number" &&
    typeof job.delivery === "string" &&
    typeof pullRequest?.repository === "string" &&
    typeof pullRequest?.number === "number" &&
    typeof (job.actor as Partial<Actor> | undefined)?.kind === "string"
  );
}

function isSweepJob(job: Record<string, unknown>): boolean {
  return (
    job.kind === "sweep-environment" &&
    typeof job.installation === "number" &&
    typeof job.repository === "string" &&
    typeof job.defaultBranch === "string" &&
    (job.sweep === "expiry" || job.sweep === "drift") &&
    typeof job.environment === "string" &&
    (job.commit === undefined || (typeof job.commit === "string" && /^[0-9a-f]{40}$/.test(job.commit)))
  );
}

function isPlanEnvironmentJob(job: Record<string, unknown>): boolean {
  return (
    (job.kind === "plan-environment" || job.kind === "destroy-environment" || job.kind === "apply-environment" || (job.kind === "wake-environment" && typeof job.until === "string")) &&
    typeof job.installation === "number" &&
    typeof job.repository === "string" &&
    typeof job.defaultBranch === "string" &&
    typeof job.environment === "string" &&
    typeof (job.actor as Partial<Actor> | undefined)?.kind === "string"
  );
}

function isDriftAnswerJob(job: Record<string, unknown>): boolean {
  return (
    job.kind === "answer-drift" &&
    (job.answer === "plan-revert" || job.answer === "revert" || job.answer === "adopt") &&
    typeof job.installation === "number" &&
    typeof job.repository === "string" &&
    typeof job.defaultBranch === "string" &&
    typeof job.environment === "string" &&
    typeof (job.actor as Partial<Actor> | undefined)?.kind === "string" &&
    (job.issue === undefined || typeof job.issue === "number") &&
    (job.commit === undefined || (typeof job.commit === "string" && /^[0-9a-f]{40}$/.test(job.commit)))
  );
}
