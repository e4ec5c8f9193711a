import { isTimeZone, parseClockTime, type AwakeSchedule, type Weekday } from "./awake-schedule.js";

/** spec.hibernation, or the repository's hibernation.default, as written (the schema checked its shape). */
export interface HibernationSpec {
  enabled?: boolean;
  timeZone?: string;
  awake?: readonly { days: readonly Weekday[]; from: string; to: string }[];
}

export interface HibernationProblem {
  path: (string | number)[];
  message: string;
}

/**
 * What the schema cannot check in a hibernation spec: a time zone this runtime knows, and each
 * window ending after it starts. `base` is where the spec is (["spec", "hibernation"]).
 */
export function checkHibernationSpec(spec: HibernationSpec, base: (string | number)[]): HibernationProblem[] {
  const problems: HibernationProblem[] = [];
  if (spec.timeZone !== undefined && !isTimeZone(spec.timeZone)) {
    problems.push({ path: [...base, "timeZone"], message: `'${spec.timeZone}' is not an IANA time zone like Europe/Berlin, America/New_York or UTC` });
  }
  spec.awake?.forEach((window, i) => {
    const from = parseClockTime(window.from);
    const to = parseClockTime(window.to);
    if (from !== undefined && to !== undefined && to <= from) {
      problems.push({
        path: [...base, "awake", i, "to"],
        message: `'${window.to}' is not after from '${window.from}': a window that passes midnight is two, such as ${window.from}-24:00 and 00:00-${window.to} on the next day`,
      });
    }
  });
  return problems;
}

/**
 * The schedule an environment follows: its own spec.hibernation over the repository's default,
 * field by field (its `awake` replaces the default's). None when it says `enabled: false`, or when
 * it says nothing and is protected (a default never puts a protected environment to sleep) or the
 * repository has no default. A schedule missing its time zone or windows is a problem at the
 * environment's spec.hibernation.
 */
export function resolveHibernation(input: { own?: HibernationSpec; repositoryDefault?: HibernationSpec; protected: boolean }): { schedule?: AwakeSchedule; problems: HibernationProblem[] } {
  const { own, repositoryDefault } = input;
  if (own === undefined && (input.protected || repositoryDefault === undefined)) return { problems: [] };
  const merged: HibernationSpec = { ...repositoryDefault, ...own };
  if (merged.enabled === false) return { problems: [] };
  const base = ["spec", "hibernation"];
  const missing = [merged.timeZone === undefined ? "timeZone" : undefined, merged.awake === undefined ? "awake" : undefined].filter((m) => m !== undefined);
  if (missing.length > 0) {
    return { problems: [{ path: base, message: `a schedule needs ${missing.join(" and ")}: give ${missing.length === 1 ? "it" : "them"} here, or in hibernation.default of .github/envbot.yml` }] };
  }
  const problems = own ? checkHibernationSpec(own, base) : [];
  // The default's own mistakes are reported at .github/envbot.yml; an environment is not blamed for them.
  if (problems.length > 0 || checkHibernationSpec(merged, base).length > 0) return { problems };
  return {
    schedule: {
      timeZone: merged.timeZone!,
      windows: merged.awake!.map((w) => ({ days: [...w.days], from: parseClockTime(w.from)!, to: parseClockTime(w.to)! })),
    },
    problems: [],
  };
}
