/** A run that starts or ends an environment's existence: a successful apply or destroy. */
export interface LifeRun {
  kind: "apply" | "destroy";
  at: Date;
  /** The hourly price the apply recorded (the plan's estimate or the template's declaration). */
  hourly?: number;
}

/** A stretch of time an environment existed at one hourly price; `to` open while it still exists. */
export interface CostInterval {
  from: Date;
  to?: Date;
  hourly: number;
}

/**
 * Environment-hours from the run history: it exists from a successful apply until the next
 * successful destroy, at the price of the latest apply (a later apply that changes the price
 * starts a new stretch). Runs in any order; failed runs are not given here.
 */
export function costIntervals(runs: readonly LifeRun[]): CostInterval[] {
  const sorted = [...runs].sort((a, b) => a.at.getTime() - b.at.getTime());
  const intervals: CostInterval[] = [];
  let open: CostInterval | undefined;
  for (const run of sorted) {
    if (run.kind === "apply") {
      const hourly = run.hourly ?? open?.hourly ?? 0;
      if (open && open.hourly === hourly) continue;
      if (open) open.to = run.at;
      open = { from: run.at, hourly };
      intervals.push(open);
    } else if (open) {
      open.to = run.at;
      open = undefined;
    }
  }
  return intervals;
}

/** Hours and dollars of the intervals that fall within [start, end), an open one counted up to `now`. */
export function costWithin(intervals: readonly CostInterval[], start: Date, end: Date, now: Date): { hours: number; cost: number } {
  let hours = 0;
  let cost = 0;
  for (const interval of intervals) {
    const from = Math.max(interval.from.getTime(), start.getTime());
    const to = Math.min((interval.to ?? now).getTime(), end.getTime(), now.getTime());
    if (to <= from) continue;
    const h = (to - from) / 3_600_000;
    hours += h;
    cost += h * interval.hourly;
  }
  return { hours, cost };
}
