import type { PullRequestReporter } from "../../../src/core/ports/index.js";

/** A PullRequestReporter that keeps what it was told, in order, for orchestration tests. */
export function recordingReporter(): PullRequestReporter & { told: { call: keyof PullRequestReporter; value: unknown }[]; reports(call: keyof PullRequestReporter): unknown[] } {
  const told: { call: keyof PullRequestReporter; value: unknown }[] = [];
  const record = (call: keyof PullRequestReporter) => async (...args: unknown[]) => void told.push({ call, value: args.length > 1 ? args : args[0] });
  return {
    told,
    reports: (call) => told.filter((t) => t.call === call).map((t) => t.value),
    validationChecked: record("validationChecked"),
    policyChecked: record("policyChecked"),
    mergeRefusedByPolicy: record("mergeRefusedByPolicy"),
    planStarted: record("planStarted"),
    environmentPlanned: record("environmentPlanned"),
    planPreviewed: record("planPreviewed"),
    planReported: record("planReported"),
    environmentNotInPullRequest: record("environmentNotInPullRequest"),
    applyStarted: record("applyStarted"),
    environmentApplied: record("environmentApplied"),
    applyReported: record("applyReported"),
  };
}
