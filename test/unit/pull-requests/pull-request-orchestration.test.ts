import { inProcessQueue } from "../../../src/adapters/queue/in-process-queue.js";
import { envSecretProvider } from "../../../src/adapters/secrets/env-secret-provider.js";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { environmentKey } from "../../../src/core/engine/index.js";
import { JobHandedOnError, type Store } from "../../../src/core/ports/index.js";
import { applyMergedPullRequest, planPullRequest } from "../../../src/core/pull-requests/index.js";
import type { PullRequestRef } from "../../../src/core/ports/index.js";
import { StateLockedError } from "../../../src/core/terraform/index.js";
import { definitionYaml } from "../../helpers/engine-sandbox.js";
import { sha, starterRepository } from "../../helpers/fixtures.js";
import { InMemoryCodeHost } from "../../helpers/in-memory/in-memory-code-host.js";
import { InMemoryTerraform } from "../../helpers/in-memory/in-memory-terraform.js";
import { recordingReporter } from "../../helpers/in-memory/recording-reporter.js";

// The pull request workflows of the core on in-memory Terraform and code host (the store is
// SQLite in memory): every orchestration branch in milliseconds. The real terraform binary and
// GitHub's API shape are covered by test/integration/app-*.

const REPO = "acme/environments";
let store: Store;
let terraform: InMemoryTerraform;
let host: InMemoryCodeHost;

beforeEach(async () => {
  store = openSqliteStore({ file: ":memory:" });
  terraform = new InMemoryTerraform();
  host = new InMemoryCodeHost();
  host.permissions.set("octocat", "write");
  const main = await starterRepository();
  host.commits.set(sha("main0"), main);
  host.commits.set("main", main);
});
afterEach(async () => {
  await store.close();
  // Whatever a test did, never two Terraform operations on one state at once.
  expect(terraform.overlaps).toEqual([]);
});

function deps() {
  return { store, terraform, host, secrets: envSecretProvider({}), now: () => new Date("2026-12-01T12:00:00Z"), queue: inProcessQueue({ concurrency: 2, onError: () => undefined }), leaseTtlMs: 60_000 };
}

/** Pull request `number` adds environments/NAME.yaml; returns its ref. */
function addingPullRequest(number: number, name: string, author = "octocat", headRepository = REPO): PullRequestRef {
  const head = { ...host.commits.get("main")!, [`environments/${name}.yaml`]: definitionYaml(name, "sandbox", "  ttl: 24h\n") };
  host.commits.set(sha(`head${number}`), head);
  host.changedFiles.set(number, [{ path: `environments/${name}.yaml`, status: "added" }]);
  return { repository: REPO, number, headSha: sha(`head${number}`), baseSha: sha("main0"), headRepository, author, baseRef: "main", defaultBranch: "main" };
}

function merge(pr: PullRequestRef): string {
  host.commits.set(sha(`merge${pr.number}`), host.commits.get(pr.headSha)!);
  host.commits.set("main", host.commits.get(pr.headSha)!);
  return sha(`merge${pr.number}`);
}

test("a pull request is validated and planned under its lock; a second one on the same environment is told who holds it", async () => {
  const first = addingPullRequest(1, "preview");
  const reporter = recordingReporter();
  await planPullRequest(deps(), { pullRequest: first, reporter });

  expect(reporter.told.map((t) => t.call)).toEqual(["validationChecked", "planStarted", "environmentPlanned", "planReported"]);
  expect(reporter.reports("environmentPlanned")).toMatchObject([{ kind: "planned", environment: "preview", templateSource: "head", lockHolder: { kind: "pull-request", number: 1 } }]);
  expect(terraform.commands).toEqual([`plan ${REPO}:preview normal`]);

  const second = addingPullRequest(2, "preview");
  const other = recordingReporter();
  await planPullRequest(deps(), { pullRequest: second, reporter: other });
  expect(other.reports("environmentPlanned")).toMatchObject([{ kind: "locked", environment: "preview", heldBy: { kind: "pull-request", number: 1 } }]);
  expect(terraform.commands).toHaveLength(1); // a locked environment is not planned
});

test("a fork's pull request is planned with the default branch's templates and takes no lock", async () => {
  const fork = addingPullRequest(3, "preview", "outsider", "outsider/environments");
  const reporter = recordingReporter();
  await planPullRequest(deps(), { pullRequest: fork, reporter });
  expect(reporter.reports("environmentPlanned")).toMatchObject([{ kind: "planned", templateSource: "default-branch" }]);
  expect(reporter.reports("environmentPlanned")[0]).not.toHaveProperty("lockHolder");
  expect(await store.listLocks(REPO)).toEqual([]);
});

test("a merge is planned again and applied at the merge commit; the environment is active and the lock released", async () => {
  const pr = addingPullRequest(4, "preview");
  await planPullRequest(deps(), { pullRequest: pr, reporter: recordingReporter() });
  const reporter = recordingReporter();
  await applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha: merge(pr), reporter });

  expect(reporter.reports("environmentApplied")).toMatchObject([{ kind: "applied", environment: "preview", effect: "apply" }]);
  expect(terraform.states.get(`${REPO}:preview`)).toEqual(new Set(["module.environment.terraform_data.instance[0]"]));
  expect(await store.getEnvironment(REPO, "preview")).toMatchObject({ status: "active", firstAppliedAt: expect.any(Date) });
  expect(await store.listLocks(REPO)).toEqual([]);
  // Events out: what happened, in order, for whoever subscribes (the log, Slack, webhooks).
  expect((await store.pendingEvents(10)).map((e) => e.event)).toMatchObject([
    { type: "planned", repository: REPO, environment: "preview", actor: "octocat", changes: { add: 1, change: 0, destroy: 0 } },
    { type: "planned", environment: "preview" }, // again at the merge commit
    { type: "applied", environment: "preview", actor: "octocat", changes: { add: 1 } },
  ]);
});

test("a failed apply is reported with Terraform's reason; the environment is failed and the lock still released", async () => {
  const pr = addingPullRequest(5, "preview");
  terraform.failures.set(`${REPO}:preview`, { step: "apply", error: new StateLockedError("the state is locked by another operation", "Error acquiring the state lock") });
  const reporter = recordingReporter();
  await applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha: merge(pr), reporter });
  expect(reporter.reports("environmentApplied")).toMatchObject([{ kind: "failed", reason: "the state is locked by another operation" }]);
  expect((await store.pendingEvents(10)).map((e) => e.event).at(-1)).toMatchObject({ type: "apply-failed", effect: "apply", reason: "the state is locked by another operation" });
  expect(await store.getEnvironment(REPO, "preview")).toMatchObject({ status: "failed" });
  expect(await store.listLocks(REPO)).toEqual([]);
});

describe("a merge job resumed after its process stopped", () => {
  test("an apply the stop interrupted is reported, not run again; its state lock is released and expiry covers what it created", async () => {
    const pr = addingPullRequest(6, "preview");
    await planPullRequest(deps(), { pullRequest: pr, reporter: recordingReporter() });
    const mergeSha = merge(pr);
    // What the killed process left: the environment applying, its run running, Terraform's lock.
    await store.upsertEnvironment({ repository: REPO, name: "preview", template: "sandbox", owner: "@acme/qa", status: "applying" });
    const run = await store.startRun({ repository: REPO, environment: "preview", kind: "apply", commit: mergeSha, actor: "octocat" });
    terraform.abandonedLocks.set(`${REPO}:preview`, "lock-7");
    terraform.commands.length = 0;

    const reporter = recordingReporter();
    await applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha, reporter, resumed: true });

    expect(terraform.commands).toEqual([]); // nothing run again on a state the stop may have left half-written
    expect(reporter.told.map((t) => t.call)).toEqual(["applyStarted", "environmentApplied", "applyReported"]);
    expect(reporter.reports("environmentApplied")).toMatchObject([{ kind: "interrupted", environment: "preview", effect: "apply", repository: REPO }]);
    expect((reporter.reports("environmentApplied")[0] as { reason: string }).reason).toContain("envbot released the state lock it left (ID lock-7)");
    expect(await store.getRun(run.id)).toMatchObject({ outcome: "interrupted" });
    expect((await store.pendingEvents(10)).map((e) => e.event).filter((e) => e.type !== "planned")).toMatchObject([{ type: "run-interrupted", environment: "preview", runId: run.id, kind: "apply" }]);
    expect(await store.getEnvironment(REPO, "preview")).toMatchObject({ status: "failed", firstAppliedAt: expect.any(Date) });
    expect(await store.listLocks(REPO)).toEqual([]);
  });

  test("an environment whose apply had not started when the process stopped is applied as usual", async () => {
    const pr = addingPullRequest(7, "preview");
    const reporter = recordingReporter();
    await applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha: merge(pr), reporter, resumed: true });
    expect(reporter.reports("environmentApplied")).toMatchObject([{ kind: "applied", environment: "preview" }]);
    expect(terraform.commands).toEqual([`plan ${REPO}:preview normal`, `apply ${REPO}:preview`]);
  });

  test("while the stopped process's lease has not expired, the resumed job waits for it", async () => {
    const pr = addingPullRequest(8, "preview");
    const mergeSha = merge(pr);
    await store.upsertEnvironment({ repository: REPO, name: "preview", template: "sandbox", owner: "@acme/qa", status: "applying" });
    await store.startRun({ repository: REPO, environment: "preview", kind: "apply", commit: mergeSha, actor: "octocat" });
    const held = await store.acquireLease(environmentKey(REPO, "preview"), "octocat apply", 300);
    expect(held.acquired).toBe(true);

    const started = Date.now();
    const reporter = recordingReporter();
    await applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha, reporter, resumed: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(reporter.reports("environmentApplied")).toMatchObject([{ kind: "interrupted" }]);
  });
});

describe("a job handed on (its worker stopping) just as Terraform finished", () => {
  const stopping = () => new JobHandedOnError("worker w-1 is stopping");

  test("a plan that finished is reported by this job, not planned again elsewhere", async () => {
    const pr = addingPullRequest(10, "preview");
    const controller = new AbortController();
    terraform.onFinished = () => controller.abort(stopping());
    const reporter = recordingReporter();
    await planPullRequest(deps(), { pullRequest: pr, reporter, signal: controller.signal });
    expect(reporter.told.map((t) => t.call)).toEqual(["validationChecked", "planStarted", "environmentPlanned", "planReported"]);
    expect(reporter.reports("environmentPlanned")).toMatchObject([{ kind: "planned", environment: "preview" }]);
    expect((await store.listRuns(REPO, "preview", 5)).map((r) => r.outcome)).toEqual(["succeeded"]);
  });

  test("with environments left to plan, the job is handed on after the one that finished", async () => {
    const pr = addingPullRequest(11, "alpha");
    host.commits.set(pr.headSha, { ...host.commits.get(pr.headSha)!, "environments/beta.yaml": definitionYaml("beta", "sandbox", "  ttl: 24h\n") });
    host.changedFiles.set(11, [...host.changedFiles.get(11)!, { path: "environments/beta.yaml", status: "added" }]);
    const controller = new AbortController();
    terraform.onFinished = () => controller.abort(stopping());
    const reporter = recordingReporter();
    await expect(planPullRequest(deps(), { pullRequest: pr, reporter, signal: controller.signal })).rejects.toBeInstanceOf(JobHandedOnError);
    expect(terraform.commands).toEqual([`plan ${REPO}:alpha normal`]);
    expect(reporter.reports("environmentPlanned")).toMatchObject([{ kind: "planned", environment: "alpha" }]);
    expect(reporter.reports("planReported")).toEqual([]);
  });

  test("a merge's apply that finished is reported and its locks released, never applied a second time", async () => {
    const pr = addingPullRequest(12, "preview");
    await planPullRequest(deps(), { pullRequest: pr, reporter: recordingReporter() });
    const controller = new AbortController();
    terraform.onFinished = (step) => void (step === "apply" && controller.abort(stopping()));
    const reporter = recordingReporter();
    await applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha: merge(pr), reporter, signal: controller.signal });
    expect(reporter.reports("environmentApplied")).toMatchObject([{ kind: "applied", environment: "preview" }]);
    expect(reporter.told.at(-1)?.call).toBe("applyReported");
    expect(await store.listLocks(REPO)).toEqual([]);
  });

  test("an apply the stop cut short is handed on with the pull request's locks kept for the next attempt", async () => {
    const pr = addingPullRequest(13, "preview");
    await planPullRequest(deps(), { pullRequest: pr, reporter: recordingReporter() });
    const controller = new AbortController();
    // Stopped as the merge's plan finished: the apply does not start here.
    terraform.onFinished = (step) => void (step === "plan" && controller.abort(stopping()));
    const reporter = recordingReporter();
    await expect(applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha: merge(pr), reporter, signal: controller.signal })).rejects.toBeInstanceOf(JobHandedOnError);
    expect(reporter.reports("environmentApplied")).toEqual([]);
    expect(await store.listLocks(REPO)).toMatchObject([{ environment: "preview" }]);
  });
});

test("the cleanup pull request of an environment destroyed at expiry says merging only removes the definition, and after the merge that it was removed", async () => {
  const pr = addingPullRequest(9, "preview");
  await applyMergedPullRequest(deps(), { pullRequest: pr, mergeSha: merge(pr), reporter: recordingReporter() });
  // The reconciler destroyed it at expiry; its cleanup pull request removes the file.
  await store.upsertEnvironment({ repository: REPO, name: "preview", status: "destroyed" });
  terraform.states.set(`${REPO}:preview`, new Set());
  const { ["environments/preview.yaml"]: _gone, ...without } = host.commits.get("main")!;
  host.commits.set(sha("cleanup"), without);
  host.changedFiles.set(10, [{ path: "environments/preview.yaml", status: "removed" }]);
  const cleanup: PullRequestRef = { ...pr, number: 10, headSha: sha("cleanup"), baseSha: sha("merge9") };

  const planned = recordingReporter();
  await planPullRequest(deps(), { pullRequest: cleanup, reporter: planned });
  expect(planned.reports("environmentPlanned")).toMatchObject([{ kind: "planned", effect: "destroy", alreadyDestroyed: true }]);

  const applied = recordingReporter();
  await applyMergedPullRequest(deps(), { pullRequest: cleanup, mergeSha: merge(cleanup), reporter: applied });
  expect(applied.reports("environmentApplied")).toMatchObject([{ kind: "applied", effect: "destroy", alreadyDestroyed: true }]);
});
