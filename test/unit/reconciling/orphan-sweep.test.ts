import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import type { OrphanReporter, Store, TaggedResourceSource } from "../../../src/core/ports/index.js";
import { runOrphanSweep } from "../../../src/core/reconciling/index.js";
import { starterRepository } from "../../helpers/fixtures.js";
import { InMemoryCodeHost } from "../../helpers/in-memory/in-memory-code-host.js";

// The orphan sweep's decisions on a SQLite store and a fixed tag index: who is reported, who is
// left for the next sweep, whose report is closed. The AWS side and GitHub's issues are in
// test/integration/app-reconcile.test.ts (moto, FakeGitHub).

const REPO = "acme/environments";
let store: Store;
let host: InMemoryCodeHost;
let tagged: TaggedResourceSource & { resources: Awaited<ReturnType<TaggedResourceSource["listTagged"]>> };
const told: string[] = [];
let openReports: string[];
const reporter: OrphanReporter = {
  orphansFound: async (r) => (told.push(`found ${r.environment}: ${r.orphans.map((o) => o.arn).join(", ")} (owner ${r.owner ?? "unknown"})`), { where: "issue #7" }),
  orphansReported: async () => openReports,
  orphansResolved: async (n) => void told.push(`resolved ${n.environment}`),
};
const tags = (environment: string) => ({ "envbot:repository": REPO, "envbot:environment": environment });

beforeEach(async () => {
  told.length = 0;
  openReports = [];
  store = openSqliteStore({ file: ":memory:" });
  host = new InMemoryCodeHost();
  host.commits.set("main", await starterRepository());
  tagged = { region: "eu-west-1", resources: [], listTagged: async (repository) => tagged.resources.filter((r) => r.tags["envbot:repository"] === repository) };
});
afterEach(async () => {
  await store.close();
});

function sweep(dryRun = false) {
  return runOrphanSweep({ store, tagged, reporter, repository: REPO, files: host.filesAt(REPO, "main"), now: new Date("2026-12-01T10:00:00Z"), dryRun });
}

test("each environment with resources left behind is reported once, with its owner; what was reported before and is gone is closed", async () => {
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "static-site", owner: "@acme/web", status: "destroyed" });
  tagged.resources = [
    { arn: "arn:aws:s3:::checkout-assets", tags: tags("checkout") },
    { arn: "arn:aws:s3:::checkout-logs", tags: tags("checkout") },
    { arn: "arn:aws:s3:::made-by-hand", tags: tags("never-applied") },
  ];
  openReports = ["search"];
  const result = await sweep();
  expect(result.entries).toEqual([
    { environment: "checkout", action: "orphans", outcome: "done", detail: "2 resource(s) tagged for it in no environment's state (issue #7)" },
    { environment: "never-applied", action: "orphans", outcome: "done", detail: "1 resource(s) tagged for it in no environment's state (issue #7)" },
    { environment: "search", action: "orphans-resolved", outcome: "done" },
  ]);
  expect(told).toEqual([
    "found checkout: arn:aws:s3:::checkout-assets, arn:aws:s3:::checkout-logs (owner @acme/web)",
    "found never-applied: arn:aws:s3:::made-by-hand (owner unknown)",
    "resolved search",
  ]);
  expect(await store.listOrphanSweeps([REPO])).toEqual([{ repository: REPO, sweptAt: new Date("2026-12-01T10:00:00Z"), region: "eu-west-1", orphans: expect.any(Array) }]);
  expect((await store.listOrphanSweeps([REPO]))[0]!.orphans).toHaveLength(3);
});

test("an environment in the middle of an apply is left for the next sweep: its new resources are not in its inventory yet", async () => {
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "static-site", owner: "@acme/web", status: "applying" });
  tagged.resources = [{ arn: "arn:aws:s3:::checkout-assets", tags: tags("checkout") }];
  openReports = ["checkout"];
  const result = await sweep();
  expect(result.entries).toEqual([{ environment: "checkout", action: "none", detail: "an apply or destroy is running: the next sweep looks" }]);
  expect(told).toEqual([]); // neither reported nor its open report closed
});

test("a dry run reports nothing and records nothing", async () => {
  tagged.resources = [{ arn: "arn:aws:s3:::left", tags: tags("checkout") }];
  openReports = ["search"];
  expect((await sweep(true)).entries).toEqual([{ environment: "checkout", action: "orphans", detail: "1 resource(s) tagged for it in no environment's state" }]);
  expect(told).toEqual([]);
  expect(await store.listOrphanSweeps([REPO])).toEqual([]);
});

test("notification targets hear of a finding when it is new or changes, and when it is gone; the same finding again is no news", async () => {
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "static-site", owner: "@acme/web", status: "destroyed" });
  const events = async () => (await store.pendingEvents(50)).map(({ event }) => (event.type === "orphans-found" ? [event.type, event.environment, event.region, event.count, event.arns] : [event.type, event.environment]));
  tagged.resources = [
    { arn: "arn:aws:s3:::checkout-logs", tags: tags("checkout") },
    { arn: "arn:aws:s3:::checkout-assets", tags: tags("checkout") },
  ];
  await sweep();
  expect(await events()).toEqual([["orphans-found", "checkout", "eu-west-1", 2, ["arn:aws:s3:::checkout-assets", "arn:aws:s3:::checkout-logs"]]]);
  await sweep();
  expect(await events()).toHaveLength(1);

  tagged.resources = [...tagged.resources, { arn: "arn:aws:s3:::checkout-cache", tags: tags("checkout") }];
  await sweep();
  expect((await events()).at(-1)).toEqual(["orphans-found", "checkout", "eu-west-1", 3, ["arn:aws:s3:::checkout-assets", "arn:aws:s3:::checkout-cache", "arn:aws:s3:::checkout-logs"]]);

  // While an apply runs the environment is not looked at: neither resolved nor found again after it.
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "static-site", owner: "@acme/web", status: "applying" });
  tagged.resources = [];
  await sweep();
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "static-site", owner: "@acme/web", status: "failed" });
  expect(await events()).toHaveLength(2);
  await sweep();
  expect((await events()).at(-1)).toEqual(["orphans-resolved", "checkout"]);
  expect(await events()).toHaveLength(3);
  await sweep();
  expect(await events()).toHaveLength(3);
});
