import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot cost`: a month's chargeback from the run history in the data directory, with a fixed
// clock and fixed prices (the hourly price each apply's plan recorded).
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
  const db = new Database(file);
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
