import { asleepHoursPerWeek, awakeHoursPerWeek, describeSchedule, isAwakeAt, isTimeZone, nextChange, parseClockTime, type AwakeSchedule } from "../../../src/core/hibernation/awake-schedule.js";

const weekdays = (timeZone: string, from = "08:00", to = "19:00"): AwakeSchedule => ({
  timeZone,
  windows: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: parseClockTime(from)!, to: parseClockTime(to)! }],
});
const at = (iso: string) => new Date(iso);
const change = (schedule: AwakeSchedule, iso: string) => {
  const next = nextChange(schedule, at(iso));
  return next && { at: next.at.toISOString(), awake: next.awake };
};

describe("awake schedules, at fixed instants", () => {
  const berlin = weekdays("Europe/Berlin");

  test("weekdays 08:00-19:00 in Berlin (winter, UTC+1): asleep before 08:00 and from 19:00, awake between", () => {
    // Monday 7 December 2026.
    expect(isAwakeAt(berlin, at("2026-12-07T06:59:00Z"))).toBe(false);
    expect(isAwakeAt(berlin, at("2026-12-07T07:00:00Z"))).toBe(true);
    expect(isAwakeAt(berlin, at("2026-12-07T17:59:00Z"))).toBe(true);
    expect(isAwakeAt(berlin, at("2026-12-07T18:00:00Z"))).toBe(false);
    // Saturday.
    expect(isAwakeAt(berlin, at("2026-12-12T12:00:00Z"))).toBe(false);
    expect(change(berlin, "2026-12-07T10:00:00Z")).toEqual({ at: "2026-12-07T18:00:00.000Z", awake: false });
    expect(change(berlin, "2026-12-07T18:00:00Z")).toEqual({ at: "2026-12-08T07:00:00.000Z", awake: true });
    // Friday evening: Monday morning.
    expect(change(berlin, "2026-12-11T18:30:00Z")).toEqual({ at: "2026-12-14T07:00:00.000Z", awake: true });
  });

  test("across the spring change (29 March 2026, 02:00 CET -> 03:00 CEST): 08:00 is 07:00Z before and 06:00Z after", () => {
    expect(change(berlin, "2026-03-27T18:30:00Z")).toEqual({ at: "2026-03-30T06:00:00.000Z", awake: true });
    expect(isAwakeAt(berlin, at("2026-03-30T05:59:00Z"))).toBe(false);
    expect(isAwakeAt(berlin, at("2026-03-30T06:00:00Z"))).toBe(true);
    expect(change(berlin, "2026-03-30T10:00:00Z")).toEqual({ at: "2026-03-30T17:00:00.000Z", awake: false });
  });

  test("across the autumn change (25 October 2026, 03:00 CEST -> 02:00 CET): 19:00 is 17:00Z before, 08:00 is 07:00Z after", () => {
    expect(change(berlin, "2026-10-23T10:00:00Z")).toEqual({ at: "2026-10-23T17:00:00.000Z", awake: false });
    expect(change(berlin, "2026-10-23T17:00:00Z")).toEqual({ at: "2026-10-26T07:00:00.000Z", awake: true });
  });

  test("a window opening at a time the clocks skip opens when they jump; one at a time they show twice opens the first time", () => {
    const sunday = (from: string, to: string): AwakeSchedule => ({ timeZone: "Europe/Berlin", windows: [{ days: ["sun"], from: parseClockTime(from)!, to: parseClockTime(to)! }] });
    // 02:30 does not exist on 29 March 2026 in Berlin: the clocks jump from 02:00 CET (01:00Z) to 03:00 CEST.
    expect(change(sunday("02:30", "05:00"), "2026-03-28T12:00:00Z")).toEqual({ at: "2026-03-29T01:00:00.000Z", awake: true });
    expect(isAwakeAt(sunday("02:30", "05:00"), at("2026-03-29T00:59:00Z"))).toBe(false);
    expect(isAwakeAt(sunday("02:30", "05:00"), at("2026-03-29T01:00:00Z"))).toBe(true);
    // 02:30 happens twice on 25 October 2026: first at 00:30Z (CEST).
    expect(change(sunday("02:30", "04:00"), "2026-10-24T12:00:00Z")).toEqual({ at: "2026-10-25T00:30:00.000Z", awake: true });
  });

  test("New York (8 March 2026, EST -> EDT) and a zone without daylight saving (Asia/Kolkata, UTC+5:30)", () => {
    const newYork = weekdays("America/New_York", "09:00", "17:00");
    expect(change(newYork, "2026-03-06T23:00:00Z")).toEqual({ at: "2026-03-09T13:00:00.000Z", awake: true });
    expect(change(newYork, "2026-03-05T15:00:00Z")).toEqual({ at: "2026-03-05T22:00:00.000Z", awake: false });
    const kolkata = weekdays("Asia/Kolkata", "09:00", "18:00");
    expect(change(kolkata, "2026-12-07T00:00:00Z")).toEqual({ at: "2026-12-07T03:30:00.000Z", awake: true });
  });

  test("a window to 24:00 ends at midnight, and the next day's window from 00:00 continues it", () => {
    const evening: AwakeSchedule = { timeZone: "UTC", windows: [{ days: ["mon"], from: parseClockTime("18:00")!, to: parseClockTime("24:00")! }, { days: ["tue"], from: 0, to: parseClockTime("06:00")! }] };
    expect(isAwakeAt(evening, at("2026-12-07T23:59:00Z"))).toBe(true);
    expect(isAwakeAt(evening, at("2026-12-08T00:00:00Z"))).toBe(true);
    expect(change(evening, "2026-12-07T20:00:00Z")).toEqual({ at: "2026-12-08T06:00:00.000Z", awake: false });
  });

  test("a schedule that never changes has no next change", () => {
    expect(nextChange({ timeZone: "UTC", windows: [] }, at("2026-12-07T00:00:00Z"))).toBeUndefined();
    const always: AwakeSchedule = { timeZone: "UTC", windows: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], from: 0, to: 1440 }] };
    expect(nextChange(always, at("2026-12-07T00:00:00Z"))).toBeUndefined();
  });

  test("hours awake and asleep in a week, overlapping windows counted once; a description for comments", () => {
    expect(awakeHoursPerWeek(berlin)).toBe(55);
    expect(asleepHoursPerWeek(berlin)).toBe(113);
    const overlapping: AwakeSchedule = { timeZone: "UTC", windows: [{ days: ["mon"], from: 480, to: 720 }, { days: ["mon"], from: 600, to: 900 }] };
    expect(awakeHoursPerWeek(overlapping)).toBe(7);
    expect(describeSchedule(berlin)).toBe("awake mon-fri 08:00-19:00 (Europe/Berlin)");
    expect(describeSchedule({ timeZone: "UTC", windows: [{ days: ["sat", "mon"], from: 600, to: 840 }] })).toBe("awake mon,sat 10:00-14:00 (UTC)");
  });

  test("clock times and time zones are checked", () => {
    expect(parseClockTime("08:00")).toBe(480);
    expect(parseClockTime("24:00")).toBe(1440);
    expect(parseClockTime("24:30")).toBeUndefined();
    expect(parseClockTime("8:00")).toBeUndefined();
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Europe/Atlantis")).toBe(false);
  });
});
