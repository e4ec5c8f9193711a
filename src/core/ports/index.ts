/**
 * The ports through which the core reaches the outside world. Adapters implement them
 * (src/adapters/...), tests pass in-memory ones; the core itself imports no I/O.
 */

export * from "./certificate-issuer.js";
export * from "./certificate-records.js";
export * from "./cloud-credentials.js";
export * from "./code-host.js";
export * from "./github-budget.js";
export * from "./control-plane-records.js";
export * from "./job-queue.js";
export * from "./job-store.js";
export * from "./notification-threads.js";
export * from "./orphans.js";
export * from "./outbox.js";
export * from "./policy-report.js";
export * from "./pull-request-report.js";
export * from "./pull-request-reporter.js";
export * from "./reconcile-reporter.js";
export * from "./repo-files.js";
export * from "./repository-changes.js";
export * from "./run-logs.js";
export * from "./secret-provider.js";
export * from "./sensitive-value-records.js";
export * from "./store.js";
export * from "./terraform-runner.js";
