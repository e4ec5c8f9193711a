/**
 * GitHub's request budget of one installation (5,000 requests an hour, up to 12,500 for large
 * organizations) as this process last heard it, with what it spent: readiness and metrics show
 * it; scheduled sweeps wait while it is low (adapters/github/request-budget).
 */
export interface InstallationBudget {
  installation: number;
  /** Requests an hour (the core REST resource). */
  limit: number;
  remaining: number;
  resetAt: Date;
  /** Requests this process sent for the installation (answered, whatever the status). */
  requests: number;
  /** Of those, conditional ones GitHub answered 304 Not Modified: they do not count against the budget. */
  notModified: number;
  /** Scheduled sweeps that waited because the budget was under the reserve. */
  sweepsDeferred: number;
}
