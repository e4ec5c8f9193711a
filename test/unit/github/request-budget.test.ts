import { GitHubRequestBudget } from "../../../src/adapters/github/request-budget.js";

const now = new Date("2026-12-07T10:00:00Z");
const headers = (remaining: number, resource = "core") => ({
  "x-ratelimit-limit": "5000",
  "x-ratelimit-remaining": String(remaining),
  "x-ratelimit-reset": String(Math.floor(now.getTime() / 1000) + 1800),
  "x-ratelimit-resource": resource,
});

test("each answer's x-ratelimit headers are the installation's budget; 304s are counted apart, other resources' budgets ignored", () => {
  const budget = new GitHubRequestBudget();
  budget.record(7, 200, headers(4200));
  budget.record(7, 304, headers(4200));
  budget.record(7, 200, headers(10, "search"));
  budget.record(9, 404, undefined);
  expect(budget.list()).toEqual([
    { installation: 7, limit: 5000, remaining: 4200, resetAt: new Date("2026-12-07T10:30:00Z"), requests: 3, notModified: 1, sweepsDeferred: 0 },
    { installation: 9, limit: 0, remaining: 0, resetAt: new Date(0), requests: 1, notModified: 0, sweepsDeferred: 0 },
  ]);
});

test("sweeps wait while under a fifth of the hour's budget is left, until its reset; an installation not heard of yet never waits", () => {
  const budget = new GitHubRequestBudget();
  budget.record(7, 200, headers(1000));
  expect(budget.deferSweep(7, "the drift sweep of acme/envs", now)).toBeUndefined();
  budget.record(7, 200, headers(999));
  expect(budget.deferSweep(7, "the drift sweep of acme/envs", now)).toBe(
    "the drift sweep of acme/envs deferred: installation 7 has 999 of its 5000 GitHub requests an hour left until 2026-12-07T10:30:00.000Z (sweeps wait under 20%, so pull requests go first); the first firing after that runs it",
  );
  expect(budget.list()[0]!.sweepsDeferred).toBe(1);
  expect(budget.deferSweep(7, "the drift sweep of acme/envs", new Date("2026-12-07T10:30:00Z"))).toBeUndefined();
  expect(budget.deferSweep(8, "the drift sweep of acme/other", now)).toBeUndefined();
});
