import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { respondReadiness } from "../../src/access/api/health-endpoints.js";
import { runScheduledSweep, sweepRepository } from "../../src/access/github/scheduled-sweeps.js";
import { githubRequestBudget } from "../../src/adapters/github/request-budget.js";
import { PrometheusMetrics } from "../../src/adapters/metrics/envbot-metrics.js";
import { queuedJob } from "../../src/core/jobs/envbot-job.js";
import type { SweepKind } from "../../src/core/reconciling/index.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { recordedGitHubRequests, setupGitHubMock, type RecordedGitHubRequest } from "../helpers/github/github-mock.js";
import { DEFAULT_INSTALLATION_ID, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { InMemoryTerraform } from "../helpers/in-memory/in-memory-terraform.js";

// GitHub's request budget (5,000 an hour per installation) against the number of environments:
// the App embedded, GitHub stubbed and counted, Terraform in memory (it is not the subject). The
// same story runs at 10 and at 100 environments, and the repository reads must not differ.

const mock = setupGitHubMock();
let app: AppHarness;

beforeEach(() => mock.before());
afterEach(async () => {
  app?.github.uninstall();
  await app?.cleanup();
  mock.after();
});

/** How the App read the repository (its files and its branch) since `from`. */
function repositoryReads(from: number): RecordedGitHubRequest[] {
  return recordedGitHubRequests()
    .slice(from)
    .filter((r) => r.method === "GET" && /\/(git\/ref|git\/trees|git\/blobs|tarball|contents)\//.test(r.path));
}

/** Request kinds, counted: "GET git/trees" and so on, with the repository's prefix cut. */
function tally(requests: readonly RecordedGitHubRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const kind = `${r.method} ${r.path.replace(/^\/repos\/[^/]+\/[^/]+\//, "").replace(/\?.*$/, "").replace(/\/[0-9a-f]{40}$|\/heads(\/|%2F).*$/, "")}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

interface Story {
  pullRequestReads: Record<string, number>;
  mergeReads: Record<string, number>;
  firstSweepReads: Record<string, number>;
  unchangedSweepRequests: number;
  unchangedSweepNotModified: number;
  expirySweepRequests: number;
  fannedOutSweepRequests: number;
  changedOneSweepReads: Record<string, number>;
}

/** A pull request adds `count` environments, its merge applies them, then sweeps of the default branch. */
async function story(count: number): Promise<Story> {
  const terraform = new InMemoryTerraform();
  app = await createAppHarness({ terraform });
  app.github.install();
  app.github.permissions.set("octocat", "write");
  const main = { ...(await starterRepository()), ".github/envbot.yml": "version: 1\nlimits:\n  maxEnvironmentsPerPullRequest: 200\n" };
  app.github.commit(sha("main-0"), main);
  app.github.commit("main", main);
  const added = Object.fromEntries(Array.from({ length: count }, (_, i) => [`environments/env-${i}.yaml`, definitionYaml(`env-${i}`, "sandbox")]));
  const head = { ...main, ...added };
  app.github.commit(sha("head-1"), head);
  app.github.pullRequests.set(1, { number: 1, headSha: sha("head-1"), baseSha: sha("main-0"), author: "octocat", files: Object.keys(added).map((filename) => ({ filename, status: "added" })) });

  let mark = recordedGitHubRequests().length;
  await app.receive(pullRequestEvent({ action: "opened", number: 1, headSha: sha("head-1"), baseSha: sha("main-0") }));
  expect(app.github.checks(/^envbot plan: env-/).filter((c) => c.conclusion === "success")).toHaveLength(count);
  const pullRequestReads = tally(repositoryReads(mark));

  app.github.commit(sha("merged-1"), head);
  app.github.commit("main", head);
  mark = recordedGitHubRequests().length;
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-1"), number: 1, headSha: sha("head-1"), baseSha: sha("main-0") }));
  expect(app.github.checks(/^envbot apply: env-/).filter((c) => c.conclusion === "success")).toHaveLength(count);
  const mergeReads = tally(repositoryReads(mark));

  const octokit = await app.probot.auth(DEFAULT_INSTALLATION_ID);
  const sweep = (kind: SweepKind) => sweepRepository({ octokit: octokit as never, services: app.services, repository: app.github.fullName, defaultBranch: "main", kind, now: new Date(), concurrency: 2 });

  mark = recordedGitHubRequests().length;
  const first = await sweep("drift");
  expect(first.entries.filter((e) => e.environment.startsWith("env-"))).toHaveLength(count);
  const firstSweepReads = tally(repositoryReads(mark));

  mark = recordedGitHubRequests().length;
  const notModifiedBefore = app.github.notModified;
  await sweep("drift");
  const unchangedSweepRequests = recordedGitHubRequests().length - mark;
  const unchangedSweepNotModified = app.github.notModified - notModifiedBefore;

  mark = recordedGitHubRequests().length;
  await sweep("expiry");
  const expirySweepRequests = recordedGitHubRequests().length - mark;

  // Scale-out: the sweep queues a job per environment; each carries the commit, so none asks again.
  mark = recordedGitHubRequests().length;
  const jobs: string[] = [];
  await sweepRepository({
    octokit: octokit as never,
    services: app.services,
    repository: app.github.fullName,
    defaultBranch: "main",
    kind: "drift",
    now: new Date(),
    concurrency: 2,
    dispatch: async (environment, commit) => {
      jobs.push(environment);
      await app.services.queue.enqueue(queuedJob({ kind: "sweep-environment", installation: DEFAULT_INSTALLATION_ID, repository: app.github.fullName, defaultBranch: "main", commit, sweep: "drift", environment }));
    },
  });
  await app.services.queue.idle();
  expect(jobs.filter((name) => name.startsWith("env-"))).toHaveLength(count);
  const fannedOutSweepRequests = recordedGitHubRequests().length - mark;

  app.github.commit("main", { ...head, "environments/env-0.yaml": definitionYaml("env-0", "sandbox", "  variables:\n    greeting: changed\n") });
  mark = recordedGitHubRequests().length;
  await sweep("drift");
  const changedOneSweepReads = tally(repositoryReads(mark));

  return { pullRequestReads, mergeReads, firstSweepReads, unchangedSweepRequests, unchangedSweepNotModified, expirySweepRequests, fannedOutSweepRequests, changedOneSweepReads };
}

test("the repository reads of a pull request, its merge and the sweeps are the same at 10 and at 100 environments; a sweep of an unchanged branch makes one request, answered 304", async () => {
  const ten = await story(10);
  app.github.uninstall();
  await app.cleanup();
  mock.after();
  mock.before();
  const hundred = await story(100);

  expect(hundred).toEqual(ten);
  // The head's tree and archive, the base's tree and archive, the default branch's head (for the
  // policy): never a request per definition.
  expect(ten.pullRequestReads).toEqual({ "GET git/ref": 1, "GET git/trees": 2, "GET tarball": 2 });
  // The merge commit's files are the head's, already held: its tree and the parent's, no file.
  expect(ten.mergeReads).toEqual({ "GET git/ref": 1, "GET git/trees": 2 });
  // The default branch is the merge, already read.
  expect(ten.firstSweepReads).toEqual({ "GET git/ref": 1 });
  // Nothing moved: one request in all, the branch's head, answered 304 Not Modified.
  expect([ten.unchangedSweepRequests, ten.unchangedSweepNotModified, ten.expirySweepRequests, ten.fannedOutSweepRequests]).toEqual([1, 1, 1, 1]);
  // One definition changed: the new tree and that one file.
  expect(ten.changedOneSweepReads).toEqual({ "GET git/ref": 1, "GET git/trees": 1, "GET git/blobs": 1 });
});

test("while an installation has under a fifth of its budget left, scheduled sweeps wait, counted and shown in readiness, and pull requests still plan", async () => {
  app = await createAppHarness({ terraform: new InMemoryTerraform() });
  app.github.install();
  app.github.permissions.set("octocat", "write");
  const main = await starterRepository();
  app.github.commit(sha("main-0"), main);
  app.github.commit("main", main);
  app.github.rateLimit.remaining = 900;
  const head = { ...main, "environments/env-a.yaml": definitionYaml("env-a", "sandbox") };
  app.github.commit(sha("head-2"), head);
  app.github.pullRequests.set(2, { number: 2, headSha: sha("head-2"), baseSha: sha("main-0"), author: "octocat", files: [{ filename: "environments/env-a.yaml", status: "added" }] });
  await app.receive(pullRequestEvent({ action: "opened", number: 2, headSha: sha("head-2"), baseSha: sha("main-0") }));
  expect(app.github.checks("envbot plan: env-a")[0]).toMatchObject({ conclusion: "success" });

  const mark = recordedGitHubRequests().length;
  const repository = { repository: app.github.fullName, installationId: DEFAULT_INSTALLATION_ID, defaultBranch: "main" };
  expect(await runScheduledSweep(app.probot, app.services, repository, "drift", { concurrency: 2, fanOut: false })).toBe("deferred");
  expect(recordedGitHubRequests().length).toBe(mark);

  const server = createServer((_req, res) => void respondReadiness(res, app.services.engine.store, undefined, undefined, () => githubRequestBudget.list()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const ready = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/health/ready`)).json();
    expect(ready).toMatchObject({ status: "ready", github: [{ installation: DEFAULT_INSTALLATION_ID, limit: 5000, remaining: expect.any(Number), sweepsDeferred: 1 }] });
    expect((ready as { github: { remaining: number }[] }).github[0]!.remaining).toBeLessThan(1000);
    // And on /metrics, for an alert.
    const scraped = await new PrometheusMetrics({ store: app.services.engine.store, githubBudget: () => githubRequestBudget.list() }).text();
    expect(scraped).toContain(`envbot_github_sweeps_deferred{installation="${DEFAULT_INSTALLATION_ID}"} 1\n`);
    expect(scraped).toMatch(new RegExp(`envbot_github_rate_remaining\\{installation="${DEFAULT_INSTALLATION_ID}"\\} [0-9]{1,3}\\n`));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }

  // The next answer GitHub gives with budget to spare lets the sweeps run again.
  app.github.rateLimit.remaining = 4000;
  await app.receive(pullRequestEvent({ action: "synchronize", number: 2, headSha: sha("head-2"), baseSha: sha("main-0") }));
  expect(await runScheduledSweep(app.probot, app.services, repository, "drift", { concurrency: 2, fanOut: false })).toBe("swept");
});
