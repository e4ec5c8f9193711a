import { parseEnvbotJob, queuedJob, type EnvbotJob } from "../../../src/core/jobs/envbot-job.js";

const pullRequest = { repository: "acme/envs", number: 7, headSha: "a".repeat(40), baseSha: "b".repeat(40), baseRef: "main", defaultBranch: "main", author: "octocat", sameRepository: true } as unknown as Extract<EnvbotJob, { kind: "plan-pull-request" }>["pullRequest"];
const plan: EnvbotJob = { kind: "plan-pull-request", delivery: "d-1", installation: 42, pullRequest, actor: { kind: "pull-request", number: 7, login: "octocat" } };
const drift: EnvbotJob = { kind: "sweep-environment", installation: 42, repository: "acme/envs", defaultBranch: "main", sweep: "drift", environment: "checkout" };
const expiry: EnvbotJob = { ...drift, sweep: "expiry" };
const planNow: EnvbotJob = { kind: "plan-environment", installation: 42, repository: "acme/envs", defaultBranch: "main", environment: "checkout", actor: { kind: "api", login: "octocat", via: "token", repositories: ["acme/envs"] } };
const busApply: EnvbotJob = {
  kind: "apply-environment",
  installation: 42,
  repository: "acme/envs",
  defaultBranch: "main",
  environment: "checkout",
  actor: { kind: "amqp", user: "release-bot", request: { id: "cmd-1", replyTo: "release-bot.replies", command: "apply" } },
};

test("jobs read back as they were kept, whatever their kind; a row of another shape fails clearly", () => {
  for (const job of [plan, drift, expiry, planNow, busApply]) expect(parseEnvbotJob(JSON.parse(JSON.stringify(job)))).toEqual(job);
  expect(() => parseEnvbotJob({ ...drift, sweep: "everything" })).toThrow("not an envbot job");
  expect(() => parseEnvbotJob({ kind: "sweep-environment", repository: "acme/envs" })).toThrow("not an envbot job");
  expect(() => parseEnvbotJob({ ...planNow, actor: undefined })).toThrow("not an envbot job");
});

test("a pull request's jobs share its key; a sweep's job is keyed by its environment, and an expiry's destroy is never superseded", () => {
  expect(queuedJob(plan)).toMatchObject({ key: "acme/envs#7", final: false });
  expect(queuedJob(drift)).toMatchObject({ key: "acme/envs:checkout:drift", final: false });
  expect(queuedJob(expiry)).toMatchObject({ key: "acme/envs:checkout:expiry", final: true });
  // A newer "plan now" of an environment supersedes one still waiting.
  expect(queuedJob(planNow)).toMatchObject({ key: "acme/envs:checkout:plan", final: false });
  // An apply the bus asked for is never superseded by a later plan.
  expect(queuedJob(busApply)).toMatchObject({ key: "acme/envs:checkout:apply", final: true });
});

test("a drift answer is kept with its issue and the commit its revert plan showed; a confirmed revert is never superseded", () => {
  const actor = { kind: "pull-request" as const, number: 9, login: "octocat", comment: true as const };
  const revert: EnvbotJob = { kind: "answer-drift", answer: "revert", installation: 42, repository: "acme/envs", defaultBranch: "main", environment: "checkout", actor, issue: 9, commit: "c".repeat(40) };
  const adopt: EnvbotJob = { kind: "answer-drift", answer: "adopt", installation: 42, repository: "acme/envs", defaultBranch: "main", environment: "checkout", actor };
  for (const job of [revert, adopt]) expect(parseEnvbotJob(JSON.parse(JSON.stringify(job)))).toEqual(job);
  expect(() => parseEnvbotJob({ ...revert, answer: "delete" })).toThrow("not an envbot job");
  expect(() => parseEnvbotJob({ ...revert, commit: "main" })).toThrow("not an envbot job");
  expect(queuedJob(revert)).toMatchObject({ key: "acme/envs:checkout:revert", final: true });
  expect(queuedJob(adopt)).toMatchObject({ key: "acme/envs:checkout:adopt", final: false });
});
