/**
 * When an environment is awake: windows of wall-clock time on days of the week, in one IANA time
 * zone ("weekdays 08:00-19:00 in Europe/Berlin"). Outside them it sleeps. Every function takes the
 * instant it is asked about (time is a port: the caller's clock), and daylight-saving changes are
 * taken as the zone's clocks take them: a window opens at 08:00 local time whatever the offset.
 */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface AwakeWindow {
  days: readonly Weekday[];
  /** Minutes after local midnight when it opens (08:00 = 480). */
  from: number;
  /** Minutes after local midnight when it closes, after `from`; 1440 is midnight at the day's end. */
  to: number;
}

export interface AwakeSchedule {
  timeZone: string;
  windows: readonly AwakeWindow[];
}

const MINUTES_PER_DAY = 24 * 60;
const MS_PER_MINUTE = 60_000;

/** "08:00" -> 480, "24:00" -> 1440; undefined when it is no time of day. */
export function parseClockTime(text: string): number | undefined {
  const match = /^([01][0-9]|2[0-4]):([0-5][0-9])$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= MINUTES_PER_DAY ? minutes : undefined;
}

/** Whether `timeZone` is an IANA time zone this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Whether the environment should be awake at `at`. */
export function isAwakeAt(schedule: AwakeSchedule, at: Date): boolean {
  const local = localTime(schedule.timeZone, at);
  return schedule.windows.some((w) => w.days.includes(local.weekday) && local.minutes >= w.from && local.minutes < w.to);
}

/**
 * The next instant after `at` when the schedule turns from awake to asleep or back, and what it
 * turns to; undefined for a schedule that never changes (no windows, or awake all week).
 */
export function nextChange(schedule: AwakeSchedule, at: Date): { at: Date; awake: boolean } | undefined {
  const now = isAwakeAt(schedule, at);
  const today = localTime(schedule.timeZone, at);
  const candidates: Date[] = [];
  // A week and a day of boundaries is enough to find a change, if there is one.
  for (let offset = 0; offset <= 8; offset++) {
    const day = addDays(today.date, offset);
    const weekday = weekdayOf(day);
    for (const window of schedule.windows) {
      if (!window.days.includes(weekday)) continue;
      for (const minutes of [window.from, window.to]) {
        const instant = instantOf(schedule.timeZone, day, minutes);
        if (instant.getTime() > at.getTime()) candidates.push(instant);
      }
    }
  }
  candidates.sort((a, b) => a.getTime() - b.getTime());
  const change = candidates.find((candidate) => isAwakeAt(schedule, candidate) !== now);
  return change && { at: change, awake: !now };
}

/**
 * When an environment woken at `at` without a duration goes back to sleep: the end of the awake
 * window it is in, or else of the next one. Undefined for a schedule that never sleeps or never wakes.
 */
export function endOfNextAwakeWindow(schedule: AwakeSchedule, at: Date): Date | undefined {
  const next = nextChange(schedule, at);
  if (!next) return undefined;
  if (!next.awake) return next.at;
  return nextChange(schedule, next.at)?.at;
}

/** Awake hours in a week as the schedule reads (wall-clock hours: a week with a clock change has one more or fewer). */
export function awakeHoursPerWeek(schedule: AwakeSchedule): number {
  let minutes = 0;
  for (const weekday of WEEKDAYS) {
    // Overlapping windows count once: the minutes of the day covered by any.
    const covered = schedule.windows.filter((w) => w.days.includes(weekday)).map((w) => [w.from, w.to] as const).sort((a, b) => a[0] - b[0]);
    let end = 0;
    for (const [from, to] of covered) {
      const start = Math.max(from, end);
      if (to > start) minutes += to - start;
      end = Math.max(end, to);
    }
  }
  return minutes / 60;
}

/** Asleep hours in a week. */
export function asleepHoursPerWeek(schedule: AwakeSchedule): number {
  return 7 * 24 - awakeHoursPerWeek(schedule);
}

/** "mon-fri 08:00-19:00, sat 10:00-14:00 (Europe/Berlin)": for comments and status. */
export function describeSchedule(schedule: AwakeSchedule): string {
  if (schedule.windows.length === 0) return `always asleep (${schedule.timeZone})`;
  const windows = schedule.windows.map((w) => `${describeDays(w.days)} ${clock(w.from)}-${clock(w.to)}`);
  return `awake ${windows.join(", ")} (${schedule.timeZone})`;
}

function describeDays(days: readonly Weekday[]): string {
  const indexes = [...new Set(days)].map((d) => WEEKDAYS.indexOf(d)).sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${WEEKDAYS[indexes[i]!]}-${WEEKDAYS[indexes[j]!]}` : indexes.slice(i, j + 1).map((k) => WEEKDAYS[k]).join(","));
    i = j + 1;
  }
  return runs.join(",");
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** A calendar date, as days since 1970-01-01 (the zone's local date, not UTC's). */
type LocalDate = number;

function addDays(date: LocalDate, days: number): LocalDate {
  return date + days;
}

function weekdayOf(date: LocalDate): Weekday {
  // 1970-01-01 was a Thursday.
  return WEEKDAYS[(((date + 3) % 7) + 7) % 7]!;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall clock at `at`: its calendar date, weekday and minutes after midnight. */
function localTime(timeZone: string, at: Date): { date: LocalDate; weekday: Weekday; minutes: number } {
  const fields = wallClock(timeZone, at.getTime());
  const date = Math.floor(Date.UTC(fields.year, fields.month - 1, fields.day) / (MINUTES_PER_DAY * MS_PER_MINUTE));
  return { date, weekday: weekdayOf(date), minutes: fields.hour * 60 + fields.minute };
}

function wallClock(timeZone: string, ms: number): { year: number; month: number; day: number; hour: number; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute) };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(timeZone: string, ms: number): number {
  const f = wallClock(timeZone, ms);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute);
  return asUtc - Math.floor(ms / MS_PER_MINUTE) * MS_PER_MINUTE;
}

/**
 * The instant the zone's clocks show `minutes` after midnight of `date`. A time the clocks skip
 * (02:30 when they jump from 02:00 to 03:00) is the moment they jump; a time they show twice
 * (when they fall back) is the first.
 */
function instantOf(timeZone: string, date: LocalDate, minutes: number): Date {
  const wall = date * MINUTES_PER_DAY * MS_PER_MINUTE + minutes * MS_PER_MINUTE;
  // The two offsets around the wanted time: before and after a change, if there is one.
  const early = offsetAt(timeZone, wall - MINUTES_PER_DAY * MS_PER_MINUTE);
  const late = offsetAt(timeZone, wall + MINUTES_PER_DAY * MS_PER_MINUTE);
  const fits = (offset: number) => offsetAt(timeZone, wall - offset) === offset;
  // Shown twice: the first is with the earlier (larger) offset.
  if (fits(early)) return new Date(wall - early);
  if (fits(late)) return new Date(wall - late);
  // Skipped: the moment the clocks jump, the first minute they show the later offset.
  let before = wall - late;
  let after = wall - early;
  while (after - before > MS_PER_MINUTE) {
    const middle = before + Math.floor((after - before) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
    if (offsetAt(timeZone, middle) === late) after = middle;
    else before = middle;
  }
  return new Date(after);
}
