import { costIntervals, costWithin, monthlyCostReport, type CostedEnvironment, type LifeRun } from "../../../src/core/cost/index.js";
import { hourlyPrice } from "../../../src/core/planning/index.js";
import { costReportCsv, formatCostEstimate, formatCostReport } from "../../../src/render/cost-text.js";

const at = (iso: string) => new Date(iso);
const NOW = at("2026-12-02T10:00:00Z");

test("a sandbox that lived 3 hours at a declared $0.10/hour cost $0.30", () => {
  const intervals = costIntervals([
    { kind: "apply", at: at("2026-11-10T09:00:00Z"), hourly: 0.1 },
    { kind: "destroy", at: at("2026-11-10T12:00:00Z") },
  ]);
  expect(costWithin(intervals, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), NOW)).toEqual({ hours: 3, cost: expect.closeTo(0.3, 10), saved: 0 });
});

test("a later apply at another price starts a new stretch; a destroy without an apply counts nothing; one still running counts up to now", () => {
  const intervals = costIntervals([
    { kind: "destroy", at: at("2026-11-01T00:00:00Z") },
    { kind: "apply", at: at("2026-12-01T00:00:00Z"), hourly: 0.1 },
    { kind: "apply", at: at("2026-12-01T05:00:00Z"), hourly: 0.1 }, // same price: the same stretch
    { kind: "apply", at: at("2026-12-01T06:00:00Z"), hourly: 0.5 },
  ]);
  expect(intervals).toEqual([
    { from: at("2026-12-01T00:00:00Z"), to: at("2026-12-01T06:00:00Z"), hourly: 0.1 },
    { from: at("2026-12-01T06:00:00Z"), hourly: 0.5 },
  ]);
  const { hours, cost } = costWithin(intervals, at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), NOW);
  expect(hours).toBe(34);
  expect(cost).toBeCloseTo(6 * 0.1 + 28 * 0.5, 10);
});

test("hibernation: hours asleep destroyed are not the environment's and save its awake price; asleep with sleep values, the difference", () => {
  const sleptDestroyed: LifeRun[] = [
    { kind: "apply", at: at("2026-11-10T08:00:00Z"), hourly: 0.5 },
    { kind: "destroy", at: at("2026-11-10T18:00:00Z"), sleep: true },
    { kind: "apply", at: at("2026-11-11T08:00:00Z"), hourly: 0.5 },
    { kind: "destroy", at: at("2026-11-11T18:00:00Z") },
  ];
  const destroyedAtNight = costIntervals(sleptDestroyed);
  // Awake 10 + 10 hours at $0.50; asleep 14 hours, saving $0.50 each.
  const november = [at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z")] as const;
  const destroyed = costWithin(destroyedAtNight, ...november, NOW);
  expect(destroyed.hours).toBe(20);
  expect(destroyed.cost).toBeCloseTo(10, 10);
  expect(destroyed.saved).toBeCloseTo(7, 10);

  const smallerAtNight = costIntervals([
    { kind: "apply", at: at("2026-11-10T08:00:00Z"), hourly: 0.5 },
    { kind: "apply", at: at("2026-11-10T18:00:00Z"), hourly: 0.1, sleep: true },
    { kind: "apply", at: at("2026-11-11T08:00:00Z"), hourly: 0.5 },
    { kind: "destroy", at: at("2026-11-11T18:00:00Z") },
  ]);
  const smaller = costWithin(smallerAtNight, ...november, NOW);
  expect(smaller.hours).toBe(34);
  expect(smaller.cost).toBeCloseTo(20 * 0.5 + 14 * 0.1, 10);
  expect(smaller.saved).toBeCloseTo(14 * 0.4, 10);

  const report = monthlyCostReport({ month: "2026-11", by: "owner", now: NOW, environments: [{ repository: "acme/envs", name: "office", owner: "@acme/web", template: "sandbox", runs: sleptDestroyed }] });
  expect(report.total).toEqual({ environments: 1, hours: 20, cost: 10, saved: 7 });
  expect(formatCostReport(report)).toContain("SAVED ASLEEP");
  expect(formatCostReport(report).split("\n").at(-1)).toMatch(/^total\s+1\s+20\.00\s+\$10\.00\s+\$7\.00$/);
  expect(costReportCsv(report).split("\r\n")[0]).toBe("owner,environments,hours,cost_usd,saved_usd");
});

describe("a month's chargeback", () => {
  const environments: CostedEnvironment[] = [
    // Inside November: 10 hours at $0.10.
    { repository: "acme/envs", name: "checkout", owner: "@acme/payments", template: "sandbox", labels: { "cost-center": "4711" }, runs: [{ kind: "apply", at: at("2026-11-05T00:00:00Z"), hourly: 0.1 }, { kind: "destroy", at: at("2026-11-05T10:00:00Z") }] },
    // Created in October, destroyed in November: only November's 48 hours count, at $0.25.
    { repository: "acme/envs", name: "ledger", owner: "@acme/payments", template: "rds", labels: { "cost-center": "4711" }, runs: [{ kind: "apply", at: at("2026-10-31T12:00:00Z"), hourly: 0.25 }, { kind: "destroy", at: at("2026-11-03T00:00:00Z") }] },
    // Created in November, destroyed in December: November's last 24 hours at $1.00.
    { repository: "acme/envs", name: "search", owner: "@acme/search", template: "rds", runs: [{ kind: "apply", at: at("2026-11-30T00:00:00Z"), hourly: 1 }, { kind: "destroy", at: at("2026-12-01T12:00:00Z") }] },
    // Whole month, still running: 720 hours at $0.01.
    { repository: "acme/other", name: "docs", owner: "@acme/search", template: "static-site", labels: { "cost-center": "=cmd()" }, runs: [{ kind: "apply", at: at("2026-10-01T00:00:00Z"), hourly: 0.01 }] },
    // Only in December: nothing in November.
    { repository: "acme/envs", name: "later", owner: "@acme/web", template: "sandbox", runs: [{ kind: "apply", at: at("2026-12-01T00:00:00Z"), hourly: 5 }] },
  ];

  test("groups and sums by owner, cost-center and template, counting only the hours inside the month", () => {
    const byOwner = monthlyCostReport({ month: "2026-11", by: "owner", environments, now: NOW });
    expect(byOwner.rows).toEqual([
      { group: "@acme/search", environments: 2, hours: 744, cost: 31.2 },
      { group: "@acme/payments", environments: 2, hours: 58, cost: 13 },
    ]);
    expect(byOwner.total).toEqual({ environments: 4, hours: 802, cost: 44.2 });
    expect(monthlyCostReport({ month: "2026-11", by: "cost-center", environments, now: NOW }).rows.map((r) => [r.group, r.cost])).toEqual([
      ["(none)", 24],
      ["4711", 13],
      ["=cmd()", 7.2],
    ]);
    expect(monthlyCostReport({ month: "2026-11", by: "template", environments, now: NOW }).rows.map((r) => [r.group, r.hours, r.cost])).toEqual([
      ["rds", 72, 36],
      ["static-site", 720, 7.2],
      ["sandbox", 10, 1],
    ]);
    expect(monthlyCostReport({ month: "2026-12", by: "owner", environments, now: NOW }).rows.map((r) => [r.group, r.hours])).toEqual([
      ["@acme/web", 34],
      ["@acme/search", 46],
    ]);
    expect(() => monthlyCostReport({ month: "2026-13", by: "owner", environments, now: NOW })).toThrow("is not a month like 2026-11");
  });

  test("as CSV a spreadsheet opens: a header, one row per group, CRLF, quotes where needed, no formula run", () => {
    const csv = costReportCsv(monthlyCostReport({ month: "2026-11", by: "cost-center", environments: [...environments, { ...environments[0]!, name: "x", labels: { "cost-center": 'R&D, "north"' } }], now: NOW }));
    expect(csv).toBe(["cost-center,environments,hours,cost_usd", "(none),1,24.00,24.00", "4711,2,58.00,13.00", "'=cmd(),1,720.00,7.20", '"R&D, ""north""",1,10.00,1.00', ""].join("\r\n"));
  });

  test("as a table, with the total", () => {
    expect(formatCostReport(monthlyCostReport({ month: "2026-11", by: "owner", environments, now: NOW }))).toBe(
      [
        "Cost of 2026-11 by owner (UTC; environment-hours from first apply to destroy):",
        "OWNER           ENVIRONMENTS   HOURS    COST",
        "@acme/search               2  744.00  $31.20",
        "@acme/payments             2   58.00  $13.00",
        "total                      4  802.00  $44.20",
      ].join("\n"),
    );
  });
});

test("the plan's estimate: declared by the template, else from the price table, and over the ttl", () => {
  expect(formatCostEstimate(hourlyPrice({ hourlyCost: 0.05 }, []), { kind: "ttl", ttl: "72h", defaulted: false })).toBe("Cost: about $0.05/hour, $1.20/day; expires after 72h: about $3.60 in all (declared in template.yaml).");
  const estimate = hourlyPrice({}, ["module.site.aws_s3_bucket.site", "module.site.aws_s3_object.index", "module.site.aws_s3_bucket_website_configuration.site", "module.x.aws_widget.y[0]"]);
  expect(estimate).toEqual({ hourly: 0.0021, source: "estimate", unpriced: ["aws_widget"] });
  expect(formatCostEstimate(estimate, { kind: "unlimited" })).toBe("Cost: about $0.002/hour, $0.05/day (estimated from its resource types; no price for aws_widget).");
});
