import { costIntervals, costWithin, type LifeRun } from "./environment-hours.js";
import { round } from "../planning/hourly-price.js";

export type CostGrouping = "owner" | "cost-center" | "template" | "environment";

// Keyed by every grouping, so that one added to CostGrouping cannot be left out of the lists below.
const GROUPING_KEYS = { owner: true, "cost-center": true, template: true, environment: true } satisfies Record<CostGrouping, true>;

/**
 * What a cost report is grouped by, in the order `envbot cost --by` and GET /api/v1/cost?by=
 * list them; the CLI and the API check their input against this one list.
 */
export const COST_GROUPINGS = Object.keys(GROUPING_KEYS) as readonly CostGrouping[];

export function isCostGrouping(text: string): text is CostGrouping {
  return (COST_GROUPINGS as readonly string[]).includes(text);
}

/** An environment as the report needs it: who and what it is, and the runs that started and ended it. */
export interface CostedEnvironment {
  repository: string;
  name: string;
  owner: string;
  template: string;
  labels?: Readonly<Record<string, string>>;
  runs: readonly LifeRun[];
}

export interface CostRow {
  group: string;
  environments: number;
  hours: number;
  cost: number;
  /** Dollars not spent while asleep (hibernation); absent when nothing was. */
  saved?: number;
}

export interface MonthlyCostReport {
  month: string;
  by: CostGrouping;
  rows: CostRow[];
  total: { environments: number; hours: number; cost: number; saved?: number };
}

/** A month as YYYY-MM. */
export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2026-11" → [2026-11-01T00:00Z, 2026-12-01T00:00Z). Throws on anything else. */
export function monthRange(month: string): { start: Date; end: Date } {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new Error(`'${month}' is not a month like 2026-11`);
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { start: new Date(Date.UTC(year, index, 1)), end: new Date(Date.UTC(year, index + 1, 1)) };
}

/**
 * Chargeback for one month (UTC): each environment's hours within the month times its hourly
 * price, grouped by owner, `cost-center` label ("(none)" without one), template or environment,
 * the most expensive first. Environments created before the month or destroyed after it count
 * only their hours inside it; one still running counts up to `now`.
 */
export function monthlyCostReport(input: { month: string; by: CostGrouping; environments: readonly CostedEnvironment[]; now: Date }): MonthlyCostReport {
  const { start, end } = monthRange(input.month);
  const groups = new Map<string, CostRow>();
  for (const environment of input.environments) {
    const { hours, cost, saved } = costWithin(costIntervals(environment.runs), start, end, input.now);
    if (hours === 0 && saved === 0) continue;
    const group = groupOf(environment, input.by);
    const row = groups.get(group) ?? { group, environments: 0, hours: 0, cost: 0, saved: 0 };
    row.environments += 1;
    row.hours += hours;
    row.cost += cost;
    row.saved = (row.saved ?? 0) + saved;
    groups.set(group, row);
  }
  const withSaving = <T extends { saved?: number }>(row: T): T => {
    const saved = round(row.saved ?? 0, 2);
    const { saved: _, ...rest } = row;
    return (saved > 0 ? { ...rest, saved } : rest) as T;
  };
  const rows = [...groups.values()].map((row) => withSaving({ ...row, hours: round(row.hours, 2), cost: round(row.cost, 2) })).sort((a, b) => b.cost - a.cost || a.group.localeCompare(b.group));
  const total = withSaving(
    rows.reduce((sum, row) => ({ environments: sum.environments + row.environments, hours: round(sum.hours + row.hours, 2), cost: round(sum.cost + row.cost, 2), saved: (sum.saved ?? 0) + (row.saved ?? 0) }), { environments: 0, hours: 0, cost: 0, saved: 0 } as MonthlyCostReport["total"]),
  );
  return { month: input.month, by: input.by, rows, total };
}

function groupOf(environment: CostedEnvironment, by: CostGrouping): string {
  switch (by) {
    case "owner":
      return environment.owner;
    case "cost-center":
      return environment.labels?.["cost-center"] ?? "(none)";
    case "template":
      return environment.template;
    case "environment":
      return `${environment.repository} ${environment.name}`;
  }
}
