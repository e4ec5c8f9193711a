import type { InstallationBudget } from "../../core/ports/index.js";

/** Sweeps wait while less than this share of the hour's budget is left. */
export const SWEEP_RESERVE = 0.2;

/**
 * GitHub's request budget per installation, as GitHub reports it on every answer
 * (x-ratelimit-limit, -remaining, -reset, -resource). An Octokit plugin records it; readiness and
 * metrics show it; the scheduler asks `deferSweep` before a sweep, so pull-request work keeps what is left.
 */
export class GitHubRequestBudget {
  private readonly installations = new Map<number, InstallationBudget>();

  record(installation: number, status: number, headers: Record<string, unknown> | undefined): void {
    const budget = this.installations.get(installation) ?? { installation, limit: 0, remaining: 0, resetAt: new Date(0), requests: 0, notModified: 0, sweepsDeferred: 0 };
    budget.requests++;
    if (status === 304) budget.notModified++;
    const resource = headers?.["x-ratelimit-resource"];
    const limit = Number(headers?.["x-ratelimit-limit"]);
    const remaining = Number(headers?.["x-ratelimit-remaining"]);
    const reset = Number(headers?.["x-ratelimit-reset"]);
    // Search and GraphQL have budgets of their own; the REST core is what envbot spends.
    if ((resource === undefined || resource === "core") && Number.isFinite(limit) && Number.isFinite(remaining) && Number.isFinite(reset) && limit > 0) {
      budget.limit = limit;
      budget.remaining = remaining;
      budget.resetAt = new Date(reset * 1000);
    }
    this.installations.set(installation, budget);
  }

  /** Known and under the sweep reserve until its reset: pull requests go first. */
  isLow(installation: number, now: Date = new Date()): InstallationBudget | undefined {
    const budget = this.installations.get(installation);
    if (!budget || budget.limit === 0 || budget.resetAt <= now) return undefined;
    return budget.remaining < budget.limit * SWEEP_RESERVE ? { ...budget } : undefined;
  }

  /**
   * Why a scheduled sweep of the installation waits now, counted; undefined when it may run.
   * Pull requests and commands are never held back: only sweeps can wait for the next hour.
   */
  deferSweep(installation: number, what: string, now: Date = new Date()): string | undefined {
    const low = this.isLow(installation, now);
    if (!low) return undefined;
    this.installations.get(installation)!.sweepsDeferred++;
    return `${what} deferred: installation ${installation} has ${low.remaining} of its ${low.limit} GitHub requests an hour left until ${low.resetAt.toISOString()} (sweeps wait under ${SWEEP_RESERVE * 100}%, so pull requests go first); the first firing after that runs it`;
  }

  list(): InstallationBudget[] {
    return [...this.installations.values()].map((budget) => ({ ...budget })).sort((a, b) => a.installation - b.installation);
  }

  clear(): void {
    this.installations.clear();
  }
}

/** The one budget of this process, which every Octokit of the App records into. */
export const githubRequestBudget = new GitHubRequestBudget();

interface PluginOctokit {
  hook: {
    after(name: "request", hook: (response: { status: number; headers: Record<string, unknown> }) => void): void;
    error(name: "request", hook: (error: unknown) => unknown): void;
  };
}

/**
 * An Octokit plugin: every answer to an installation's client is recorded in `budget`. Probot
 * builds an installation's client with `auth.installationId`; the App's own (JWT) client has none
 * and is left out (its budget is the App's, not an installation's).
 */
export function recordRequestBudget(budget: GitHubRequestBudget = githubRequestBudget) {
  return (octokit: PluginOctokit, options: { auth?: unknown }) => {
    const installation = (options.auth as { installationId?: unknown } | undefined)?.installationId;
    if (typeof installation !== "number") return {};
    octokit.hook.after("request", (response) => budget.record(installation, response.status, response.headers));
    octokit.hook.error("request", (error) => {
      const response = (error as { response?: { status: number; headers: Record<string, unknown> } }).response;
      const status = (error as { status?: unknown }).status;
      if (typeof status === "number") budget.record(installation, status, response?.headers);
      throw error;
    });
    return {};
  };
}
