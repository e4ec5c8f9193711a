import type { ReconcileReporter } from "../../core/ports/index.js";
import { withoutTagBookkeeping } from "../../core/planning/index.js";

/**
 * The reconciler's reports for a local checkout: lines on the terminal, since there is no
 * GitHub to open issues or pull requests on.
 */
export function consoleReconcileReporter(write: (environment: string, line: string) => void): ReconcileReporter {
  return {
    async expiryWarning(n) {
      write(n.environment, `warning: ${n.environment} (${n.owner}) expires at ${n.expiresAt.toISOString()}; extend it by changing spec.ttl or spec.expiresAt in ${n.file}`);
    },
    async expired(n) {
      write(n.environment, `expired: ${n.environment} was destroyed at expiry${n.cleanupPullRequest ? `; remove ${n.file} so Git says so too` : ""}`);
      return {};
    },
    async destroyFailed(n) {
      write(n.environment, `error: destroying expired ${n.environment} failed: ${n.reason}; the next sweep retries`);
    },
    async definitionUnusable(n) {
      write(n.environment, `skipped: ${n.environment}: its definition cannot be used, so nothing was done: ${n.problems.join("; ")}`);
    },
    async driftFound(report) {
      for (const r of report.cloudDrift) {
        write(report.environment, `drift: ${report.environment}: ${r.address} changed outside Terraform${r.attributes.length ? `: ${withoutTagBookkeeping(r.attributes).map((a) => a.path).join(", ")}` : ""}`);
      }
      for (const r of report.pendingInGit) write(report.environment, `pending: ${report.environment}: ${r.address} would ${r.action} (the definition in Git is not applied)`);
      return {};
    },
    async driftResolved(n) {
      write(n.environment, `in sync: ${n.environment}: the drift is gone`);
    },
  };
}
