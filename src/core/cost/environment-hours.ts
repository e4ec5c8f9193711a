/** A run that starts or ends an environment's existence: a successful apply or destroy. */
export interface LifeRun {
  kind: "apply" | "destroy";
  at: Date;
  /** The hourly price the apply recorded (the plan's estimate or the template's declaration). */
  hourly?: number;
  /** It put the environment to sleep (hibernation): destroyed, or applied with its sleep values. */
  sleep?: true;
}

/** A stretch of time an environment existed at one hourly price; `to` open while it still exists. */
export interface CostInterval {
  from: Date;
  to?: Date;
  hourly: number;
  /** Asleep (hibernation): dollars an hour it would cost awake, less what it costs asleep. */
  savedHourly?: number;
  /** Asleep destroyed: these hours are not the environment's (it does not exist), only saved. */
  absent?: true;
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
  // What it cost an hour awake, for what a sleep saves.
  let awakeHourly = 0;
  for (const run of sorted) {
    if (run.kind === "apply") {
      const hourly = run.hourly ?? (open && !open.absent ? open.hourly : undefined) ?? 0;
      const savedHourly = run.sleep ? Math.max(0, awakeHourly - hourly) : undefined;
      if (!run.sleep) awakeHourly = hourly;
      if (open && !open.absent && open.hourly === hourly && open.savedHourly === savedHourly) continue;
      if (open) open.to = run.at;
      open = { from: run.at, hourly, ...(savedHourly !== undefined && { savedHourly }) };
      intervals.push(open);
    } else if (open) {
      open.to = run.at;
      const wasAwake = !open.absent && open.savedHourly === undefined;
      open = undefined;
      // Destroyed to sleep: gone, but saving what it cost awake until it wakes.
      if (run.sleep && wasAwake) {
        open = { from: run.at, hourly: 0, savedHourly: awakeHourly, absent: true };
        intervals.push(open);
      }
    }
  }
  return intervals;
}

/**
 * Hours, dollars and dollars saved asleep of the intervals that fall within [start, end), an open
 * one counted up to `now`. Hours asleep destroyed are not the environment's hours.
 */
export function costWithin(intervals: readonly CostInterval[], start: Date, end: Date, now: Date): { hours: number; cost: number; saved: number } {
  let hours = 0;
  let cost = 0;
  let saved = 0;
  for (const interval of intervals) {
    const from = Math.max(interval.from.getTime(), start.getTime());
    const to = Math.min((interval.to ?? now).getTime(), end.getTime(), now.getTime());
    if (to <= from) continue;
    const h = (to - from) / 3_600_000;
    if (!interval.absent) hours += h;
    cost += h * interval.hourly;
    saved += h * (interval.savedHourly ?? 0);
  }
  return { hours, cost, saved };
}
