import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openKeptDatabase } from "../../src/adapters/store/sqlite/kept-database.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import type { Store } from "../../src/core/ports/index.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot cost`: a month's chargeback from the run history in the data directory, with a fixed
// clock and fixed prices (the hourly price each apply's plan recorded); and the same report from a
// remote envbot's GET /api/v1/cost (--context), here a server over the same store.
const NOW = new Date("2026-12-02T10:00:00Z");
let root: string;
let dataDir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "envbot-cli-cost-"));
  dataDir = path.join(root, "data");
  const file = path.join(dataDir, "envbot.db");
  const store = openSqliteStore({ file });
  const lives: [string, string, string, Record<string, string> | undefined, [string, string, number?][]][] = [
    ["acme/envs", "sandbox-1", "@acme/web", { "cost-center": "4711" }, [["apply", "2026-11-10T09:00:00Z", 0.1], ["destroy", "2026-11-10T12:00:00Z"]]],
    ["acme/envs", "ledger", "@acme/payments", { "cost-center": "4711" }, [["apply", "2026-10-31T12:00:00Z", 0.25], ["destroy", "2026-11-03T00:00:00Z"]]],
    ["acme/other", "docs", "@acme/web", undefined, [["apply", "2026-11-30T00:00:00Z", 1]]],
  ];
  const finished: [number, string][] = [];
  for (const [repository, name, owner, labels, runs] of lives) {
    await store.upsertEnvironment({ repository, name, template: "sandbox", owner, status: "active", ...(labels && { labels }) });
    for (const [kind, at, hourly] of runs) {
      const run = await store.startRun({ repository, environment: name, kind: kind as "apply" | "destroy", actor: "alice" });
      await store.finishRun(run.id, { outcome: "succeeded", summary: JSON.stringify({ changes: {}, ...(hourly !== undefined && { cost: { hourly, source: "template" } }) }) });
      finished.push([run.id, at]);
    }
    // A failed apply never counts.
    const failed = await store.startRun({ repository, environment: name, kind: "apply", actor: "alice" });
    await store.finishRun(failed.id, { outcome: "failed", error: "boom" });
  }
  await store.close();
  // The runs ended at the times of the story, not at the test's.
  const db = openKeptDatabase(file);
  for (const [id, at] of finished) db.prepare("UPDATE runs SET finished_at = ? WHERE id = ?").run(at, id);
  db.prepare("UPDATE runs SET finished_at = ? WHERE outcome = 'failed'").run("2026-11-15T00:00:00.000Z");
  db.close();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const cost = (args: string[]) => runEnvbot(["cost", ...args], { cwd: root, env: { ENVBOT_DATA_DIR: dataDir }, now: NOW });

test("a 3-hour sandbox at $0.10/hour costs $0.30; the month counts only its own hours, grouped by owner", async () => {
  const result = await cost(["--month", "2026-11", "--by", "environment", "--json"]);
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout);
  expect(report.rows).toEqual([
    { group: "acme/other docs", environments: 1, hours: 24, cost: 24 },
    { group: "acme/envs ledger", environments: 1, hours: 48, cost: 12 },
    { group: "acme/envs sandbox-1", environments: 1, hours: 3, cost: 0.3 },
  ]);
  const byOwner = await cost(["--month", "2026-11"]);
  expect(byOwner.stdout).toBe(
    [
      "Cost of 2026-11 by owner (UTC; environment-hours from first apply to destroy):",
      "OWNER           ENVIRONMENTS  HOURS    COST",
      "@acme/web                  2  27.00  $24.30",
      "@acme/payments             1  48.00  $12.00",
      "total                      3  75.00  $36.30",
      "",
    ].join("\n"),
  );
  // December: only docs, still running at the fixed now (34 hours at $1).
  expect(JSON.parse((await cost(["--json"])).stdout)).toMatchObject({ month: "2026-12", rows: [{ group: "@acme/web", hours: 34, cost: 34 }] });
});

test("CSV for a spreadsheet, by cost-center, one repository", async () => {
  expect((await cost(["--month", "2026-11", "--by", "cost-center", "--csv"])).stdout).toBe("cost-center,environments,hours,cost_usd\r\n(none),1,24.00,24.00\r\n4711,2,51.00,12.30\r\n");
  expect((await cost(["--month", "2026-11", "--by", "template", "--csv", "--github", "acme/envs"])).stdout).toBe("template,environments,hours,cost_usd\r\nsandbox,2,51.00,12.30\r\n");
});

test("mistakes in the options are usage errors", async () => {
  expect((await cost(["--month", "2026-13"])).code).toBe(2);
  expect((await cost(["--by", "team"])).stderr).toContain("--by takes owner, cost-center, template, environment, not 'team'");
  expect((await cost(["--csv", "--json"])).code).toBe(2);
});

describe("through a context", () => {
  const mock = setupGitHubMock();
  let envs: FakeGitHub;
  let other: FakeGitHub;
  let serverStore: Store;
  let api: ControlPlaneServer;
  let configDir: string;
  let token: string;

  beforeEach(async () => {
    mock.before();
    envs = new FakeGitHub({ owner: "acme", repo: "envs" });
    other = new FakeGitHub({ owner: "acme", repo: "other" });
    envs.install();
    other.install();
    envs.permissions.set("alice", "write");
    other.permissions.set("alice", "read");
    // The server keeps the story the data directory holds: the same file.
    serverStore = openSqliteStore({ file: path.join(dataDir, "envbot.db") });
    api = await startControlPlaneServer({ store: serverStore });
    configDir = path.join(root, "config");
    token = await api.tokenFor("alice", ["acme/envs", "acme/other"]);
    expect((await remote(["context", "add", "prod", api.origin])).code).toBe(0);
  });

  afterEach(async () => {
    await api.close();
    await serverStore.close();
    envs.uninstall();
    other.uninstall();
    mock.after();
    expect(api.violations).toEqual([]);
  });

  // No data directory: whatever it prints comes from the server.
  const remote = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runEnvbot(args, { cwd: root, env: { ENVBOT_CONFIG_DIR: configDir, ENVBOT_TOKEN: token, ENVBOT_DATA_DIR: path.join(root, "elsewhere"), ...env }, now: NOW });

  test("the table, CSV and JSON are the ones printed locally from the same store", async () => {
    for (const args of [
      ["--month", "2026-11"],
      ["--month", "2026-11", "--by", "environment", "--json"],
      ["--month", "2026-11", "--by", "cost-center", "--csv"],
      ["--month", "2026-10", "--by", "template"],
      ["--month", "2026-11", "--by", "template", "--csv", "--github", "acme/envs"],
    ]) {
      const local = await cost(args);
      expect(local.code).toBe(0);
      expect(await remote(["cost", ...args, "--context", "prod"])).toEqual(local);
    }
    expect((await remote(["cost", "--month", "2026-11"], { ENVBOT_CONTEXT: "prod" })).stdout).toBe((await cost(["--month", "2026-11"])).stdout);
    expect((await remote(["cost", "--month", "2026-11", "--by", "environment", "--json", "--context", "prod"])).stdout).toContain(
      '"group": "acme/envs sandbox-1",\n      "environments": 1,\n      "hours": 3,\n      "cost": 0.3',
    );
    // Without --month, the server's month.
    const before = new Date().toISOString().slice(0, 7);
    const current = JSON.parse((await remote(["cost", "--json", "--context", "prod"])).stdout);
    expect([before, new Date().toISOString().slice(0, 7)]).toContain(current.month);
  });

  test("only the repositories the token may read; --github narrows to one", async () => {
    const narrow = await api.tokenFor("alice", ["acme/envs"]);
    expect((await remote(["context", "add", "narrow", api.origin], { ENVBOT_TOKEN: narrow })).code).toBe(0);
    const byToken = await remote(["cost", "--month", "2026-11", "--by", "environment", "--csv", "--context", "narrow"]);
    expect(byToken).toMatchObject({ code: 0, stdout: "environment,environments,hours,cost_usd\r\nacme/envs ledger,1,48.00,12.00\r\nacme/envs sandbox-1,1,3.00,0.30\r\n", stderr: "" });
    expect((await remote(["cost", "--month", "2026-11", "--by", "environment", "--csv", "--context", "prod", "--github", "acme/other"])).stdout).toBe(
      "environment,environments,hours,cost_usd\r\nacme/other docs,1,24.00,24.00\r\n",
    );
    expect((await remote(["cost", "--month", "2026-11", "--context", "narrow", "--github", "acme/other"])).stdout).toBe("No environment existed in 2026-11.\n");
  });

  test("mistakes are usage errors before the server is asked; its refusal is exit 1", async () => {
    expect(await remote(["cost", "--month", "2026-13", "--context", "prod"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--month takes a month like 2026-11, not '2026-13'") });
    expect(await remote(["cost", "--by", "team", "--context", "prod"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--by takes owner, cost-center, template, environment, not 'team'") });
    expect(await remote(["cost", "--github", "nope", "--context", "prod"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--github takes OWNER/NAME") });
    expect(await remote(["cost", "--context", "nope"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--context names no context 'nope'") });
    const [record] = await api.store.listApiTokens("alice");
    await api.store.revokeApiToken(record!.id, "alice");
    const refused = await remote(["cost", "--context", "prod"]);
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr).toMatch(new RegExp(`^envbot cost: the server at ${api.origin} does not accept the API token of context prod`));
    expect((await remote(["cost", "--help"])).stdout).toContain("[--github OWNER/NAME] [--context CONTEXT]");
  });
});
