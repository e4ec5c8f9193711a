import type { AppliedEnvironment } from "./load-applied-environments.js";
import type { SweepEntry } from "./reconcile-types.js";
import { isAwakeAt, nextChange } from "../hibernation/awake-schedule.js";

export interface HibernationAction {
  applied: AppliedEnvironment;
  entry: SweepEntry;
}

/**
 * What the sweep does about sleeping and waking, as a list (a dry run prints it). Pure: the
 * caller gives the instant, the environments' locks and the operations running. Guard rails: never
 * put to sleep while a pull request holds the environment's lock, nothing while an operation runs
 * on it (the next sweep tries again), and a sleep that destroys counts against `destroysLeft` (the
 * sweep's limit, shared with expiry). An environment whose schedule was removed wakes.
 */
export function planHibernationActions(input: {
  applied: AppliedEnvironment[];
  now: Date;
  /** Pull request numbers holding environments' locks, by environment name. */
  lockedBy: ReadonlyMap<string, string>;
  /** Environments an operation runs on now. */
  busy: ReadonlySet<string>;
  destroysLeft: number;
}): HibernationAction[] {
  const { now } = input;
  let destroysLeft = input.destroysLeft;
  const actions: HibernationAction[] = [];
  for (const applied of input.applied) {
    const { record, environment } = applied;
    if (!environment || record.status === "destroyed") continue;
    const schedule = environment.hibernation;
    const asleep = record.hibernatedAt !== undefined;
    const wakeOverride = record.awakeUntil !== undefined && now.getTime() < record.awakeUntil.getTime();
    const awakeWanted = !schedule || wakeOverride || isAwakeAt(schedule, now);
    const entry = (fields: Omit<SweepEntry, "environment">): HibernationAction => ({ applied, entry: { environment: record.name, ...fields } });
    const until = schedule && nextChange(schedule, now)?.at.toISOString();
    if (asleep === !awakeWanted) continue;
    const heldBy = input.lockedBy.get(record.name);
    // A pull request's plan was made for the environment awake: it is not put to sleep under it.
    // Waking needs no such care: it makes the environment what its definition says.
    const why = !awakeWanted && heldBy !== undefined ? `${heldBy} holds its lock` : input.busy.has(record.name) ? "an operation runs on it" : undefined;
    if (!awakeWanted) {
      if (record.status !== "active" && record.status !== "expiring") continue;
      if (why) {
        actions.push(entry({ action: "sleep-deferred", detail: why }));
        continue;
      }
      const destroys = !environment.template.sleep;
      if (destroys && destroysLeft <= 0) {
        actions.push(entry({ action: "sleep-deferred", detail: "the limit of destroys per sweep was reached" }));
        continue;
      }
      if (destroys) destroysLeft--;
      actions.push(entry({ action: "sleep", ...(until && { detail: `until ${until}` }) }));
    } else {
      if (why) {
        actions.push(entry({ action: "wake-deferred", detail: why }));
        continue;
      }
      actions.push(entry({ action: "wake" }));
    }
  }
  return actions;
}
