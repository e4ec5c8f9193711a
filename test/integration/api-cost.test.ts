import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openKeptDatabase } from "../../src/adapters/store/sqlite/kept-database.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import type { Store } from "../../src/core/ports/index.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// GET /api/v1/cost: a month's chargeback over the environments of the repositories the caller
// can read, from fixed runs (the hourly price each apply's plan recorded, the times of the story
// set in the store as test/integration/cli-cost.test.ts sets them); each answer checked against
// /api/v1/openapi.json. Every stretch of the story has ended, so the server's clock (after it) does
// not change the figures.

const REPO = "octo-org/environments";
const PRIVATE = "octo-org/payments-envs";
/** A CLI checkout's records in the same store: nobody's through the API. */
const CHECKOUT = "/home/alice/envs";

type Life = [repository: string, name: string, owner: string, template: string, labels: Record<string, string> | undefined, runs: [kind: "apply" | "destroy", at: string, hourly?: number][]];
const LIVES: Life[] = [
  // 3 hours at $0.10/hour: $0.30.
  [REPO, "sandbox-1", "@octo-org/web", "sandbox", { "cost-center": "4711" }, [["apply", "2026-11-10T09:00:00Z", 0.1], ["destroy", "2026-11-10T12:00:00Z"]]],
  [REPO, "preview", "@octo-org/web", "static-site", undefined, [["apply", "2026-11-20T00:00:00Z", 0.5], ["destroy", "2026-11-21T00:00:00Z"]]],
  // From October into November: 12 hours of October, 48 of November at $0.25.
  [PRIVATE, "ledger", "@octo-org/payments", "database", { "cost-center": "4711" }, [["apply", "2026-10-31T12:00:00Z", 0.25], ["destroy", "2026-11-03T00:00:00Z"]]],
  [CHECKOUT, "sandbox-1", "@octo-org/web", "sandbox", undefined, [["apply", "2026-11-10T09:00:00Z", 100], ["destroy", "2026-11-10T12:00:00Z"]]],
];

/** The story in a store file: environments, successful applies and destroys finished at its times, and a failed apply that never counts. */
async function tellStory(file: string): Promise<void> {
  const store = openSqliteStore({ file });
  const finished: [number, string][] = [];
  for (const [repository, name, owner, template, labels, runs] of LIVES) {
    await store.upsertEnvironment({ repository, name, template, owner, status: "destroyed", ...(labels && { labels }) });
    for (const [kind, at, hourly] of runs) {
      const run = await store.startRun({ repository, environment: name, kind, actor: "alice" });
      await store.finishRun(run.id, { outcome: "succeeded", summary: JSON.stringify({ changes: {}, ...(hourly !== undefined && { cost: { hourly, source: "template" } }) }) });
      finished.push([run.id, at]);
    }
    const failed = await store.startRun({ repository, environment: name, kind: "apply", actor: "alice" });
    await store.finishRun(failed.id, { outcome: "failed", summary: JSON.stringify({ changes: {}, cost: { hourly: 1000, source: "template" } }), error: "boom" });
    finished.push([failed.id, "2026-11-15T00:00:00.000Z"]);
  }
  await store.close();
  const db = openKeptDatabase(file);
  for (const [id, at] of finished) db.prepare("UPDATE runs SET finished_at = ? WHERE id = ?").run(at, id);
  db.close();
}

const NOW = new Date("2026-12-02T12:00:00Z");
const mock = setupGitHubMock();
let root: string;
let store: Store;
let api: ControlPlaneServer;
let github: FakeGitHub;
let payments: FakeGitHub;

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  payments = new FakeGitHub({ owner: "octo-org", repo: "payments-envs" });
  github.install();
  payments.install();
  github.permissions.set("alice", "write");
  github.permissions.set("rita", "read");
  payments.permissions.set("alice", "write");
  payments.permissions.set("paula", "admin");
  root = await mkdtemp(path.join(tmpdir(), "envbot-api-cost-"));
  const file = path.join(root, "envbot.db");
  await tellStory(file);
  store = openSqliteStore({ file });
  // The server's clock: the day after the story's November, whatever this machine's says.
  api = await startControlPlaneServer({ store, now: () => NOW });
});

afterEach(async () => {
  await api.close();
  await store.close();
  github.uninstall();
  payments.uninstall();
  mock.after();
  await rm(root, { recursive: true, force: true });
  expect(api.violations).toEqual([]);
});

const as = (login: string) => ({ as: { session: api.sessionFor(login) } });
async function report(login: string, query: string) {
  const answer = await api.call("GET", `/api/v1/cost?${query}`, as(login));
  expect(answer.status).toBe(200);
  return answer.body;
}

test("a 3-hour sandbox at $0.10/hour costs $0.30; each environment counts only its hours within the month", async () => {
  const november = await report("alice", "month=2026-11&by=environment");
  expect(november).toEqual({
    month: "2026-11",
    by: "environment",
    rows: [
      { group: `${REPO} preview`, environments: 1, hours: 24, cost: 12 },
      { group: `${PRIVATE} ledger`, environments: 1, hours: 48, cost: 12 },
      { group: `${REPO} sandbox-1`, environments: 1, hours: 3, cost: 0.3 },
    ],
    total: { environments: 3, hours: 75, cost: 24.3 },
  });
  expect(await report("alice", "month=2026-10&by=environment")).toEqual({
    month: "2026-10",
    by: "environment",
    rows: [{ group: `${PRIVATE} ledger`, environments: 1, hours: 12, cost: 3 }],
    total: { environments: 1, hours: 12, cost: 3 },
  });
  expect((await report("alice", "month=2026-09")).rows).toEqual([]);
});

test("grouped by owner (the default), cost-center or template, the most expensive first", async () => {
  expect(await report("alice", "month=2026-11")).toEqual({
    month: "2026-11",
    by: "owner",
    rows: [
      { group: "@octo-org/web", environments: 2, hours: 27, cost: 12.3 },
      { group: "@octo-org/payments", environments: 1, hours: 48, cost: 12 },
    ],
    total: { environments: 3, hours: 75, cost: 24.3 },
  });
  expect((await report("alice", "month=2026-11&by=cost-center")).rows).toEqual([
    { group: "4711", environments: 2, hours: 51, cost: 12.3 },
    { group: "(none)", environments: 1, hours: 24, cost: 12 },
  ]);
  expect((await report("alice", "month=2026-11&by=template")).rows).toEqual([
    { group: "database", environments: 1, hours: 48, cost: 12 },
    { group: "static-site", environments: 1, hours: 24, cost: 12 },
    { group: "sandbox", environments: 1, hours: 3, cost: 0.3 },
  ]);
});

test("without month, the server's current month (UTC)", async () => {
  const answer = await report("alice", "");
  expect(answer.month).toBe("2026-12");
  expect(answer.by).toBe("owner");
});

test("only the repositories the caller can read, one of them with repository=, within a token's repositories", async () => {
  const owners = async (login: string, query = "") => (await report(login, `month=2026-11${query}`)).rows.map((row: { group: string; cost: number }) => [row.group, row.cost]);
  expect(await owners("rita")).toEqual([["@octo-org/web", 12.3]]);
  expect(await owners("paula")).toEqual([["@octo-org/payments", 12]]);
  expect(await report("mallory", "month=2026-11")).toEqual({ month: "2026-11", by: "owner", rows: [], total: { environments: 0, hours: 0, cost: 0 } });
  expect(await owners("rita", `&repository=${PRIVATE}`)).toEqual([]);
  expect(await owners("alice", `&repository=${PRIVATE}`)).toEqual([["@octo-org/payments", 12]]);

  // alice reads both, but her token is for one.
  const token = await api.tokenFor("alice", [REPO]);
  const byToken = await api.call("GET", "/api/v1/cost?month=2026-11&by=environment", { as: { token } });
  expect(byToken.status).toBe(200);
  expect(byToken.body.rows.map((row: { group: string }) => row.group)).toEqual([`${REPO} preview`, `${REPO} sandbox-1`]);
  expect((await api.call("GET", `/api/v1/cost?month=2026-11&repository=${PRIVATE}`, { as: { token } })).body.rows).toEqual([]);
});

test("a bad month, grouping or repository is a 400 that names the field; no credentials, a 401", async () => {
  const bad = async (query: string) => {
    const answer = await api.call("GET", `/api/v1/cost?${query}`, as("alice"));
    expect(answer.status).toBe(400);
    return answer.body.errors.map((e: { field: string }) => e.field);
  };
  for (const month of ["2026-13", "2026-1", "november", ""]) expect(await bad(`month=${month}`)).toEqual(["query.month"]);
  expect(await bad("month=2026-11&month=2026-10")).toEqual(["query.month"]);
  for (const by of ["team", "Owner", ""]) expect(await bad(`by=${by}`)).toEqual(["query.by"]);
  expect(await bad("repository=not-a-repository")).toEqual(["query.repository"]);
  expect(await bad("environment=sandbox-1")).toEqual(["query.environment"]);
  const answer = await api.call("GET", "/api/v1/cost?by=team", as("alice"));
  expect(answer.body.detail).toBe("query.by: one of owner, cost-center, template, environment, not 'team'");
  expect((await api.call("GET", "/api/v1/cost")).status).toBe(401);
});
