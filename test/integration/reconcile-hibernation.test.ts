import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { costedEnvironments } from "../../src/core/cost/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Hibernation with a fixed clock (--now) and the real terraform binary: environments that sleep
// outside their awake hours and wake at the next, destroyed or with their template's sleep values.

let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });

/** Weekdays 08:00-19:00 in Berlin (UTC+1 in December). */
const WEEKDAYS_IN_BERLIN = `  hibernation:
    timeZone: Europe/Berlin
    awake:
      - days: [mon, tue, wed, thu, fri]
        from: "08:00"
        to: "19:00"
`;
const FRIDAY_EVENING = "2026-12-11T18:30:00Z"; // 19:30 in Berlin
const SATURDAY = "2026-12-12T12:00:00Z";
const MONDAY_MORNING = "2026-12-14T07:00:00Z"; // 08:00 in Berlin

async function sweep(at: string) {
  const result = await envbot(["reconcile", "--once", "--only", "expiry", "--json", "--now", at]);
  expect(result).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as { sweep: string; name: string; action: string; outcome?: string; detail?: string }[];
}

async function recordOf(name: string) {
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    const record = await store.getEnvironment(sandbox.repository, name);
    const runs = await store.listRuns(sandbox.repository, name, 10);
    const events = (await store.pendingEvents(100)).map((e) => e.event).filter((e) => e.environment === name);
    return { record: record!, runs, events };
  } finally {
    await store.close();
  }
}

/** templates/sleepy: the sandbox template, sleeping with the greeting "zzz". */
async function addSleepyTemplate() {
  const templates = path.join(sandbox.repoDir, "templates");
  await cp(path.join(templates, "sandbox"), path.join(templates, "sleepy"), { recursive: true });
  const yaml = (await readFile(path.join(templates, "sleepy", "template.yaml"), "utf8")).replace("name: sandbox", "name: sleepy");
  await writeFile(path.join(templates, "sleepy", "template.yaml"), `${yaml}sleep:\n  variables:\n    greeting: zzz\n`);
}

beforeEach(async () => {
  sandbox = await createEngineSandbox();
  await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), "version: 1\n");
});
afterEach(async () => {
  await sandbox.cleanup();
});

test("outside its awake hours an environment is destroyed with its state and records kept, and at the next awake hour created again", async () => {
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox", WEEKDAYS_IN_BERLIN));
  expect((await envbot(["apply", "office", "--yes"])).code).toBe(0);
  const applied = await recordOf("office");
  const resources = (JSON.parse(applied.runs[0]!.summary!) as { changes: { add: number } }).changes.add;
  expect(resources).toBeGreaterThan(0);

  expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ sweep: "expiry", name: "office", action: "sleep", outcome: "done", detail: "until 2026-12-14T07:00:00.000Z" }]);
  const asleep = await recordOf("office");
  // Asleep, not gone: its lifetime and records are kept, and it says since when it sleeps.
  expect(asleep.record).toMatchObject({ status: "active", firstAppliedAt: applied.record.firstAppliedAt, hibernatedAt: new Date(FRIDAY_EVENING) });
  expect(asleep.record.outputs).toBeUndefined();
  expect(asleep.runs[0]).toMatchObject({ kind: "destroy", outcome: "succeeded", actor: "reconciler" });
  expect(JSON.parse(asleep.runs[0]!.summary!)).toMatchObject({ mode: "destroy", changes: { destroy: resources }, hibernation: "sleep" });

  // Still asleep on Saturday: nothing to do.
  expect(await sweep(SATURDAY)).toMatchObject([{ name: "office", action: "none" }]);

  expect(await sweep(MONDAY_MORNING)).toMatchObject([{ name: "office", action: "wake", outcome: "done" }]);
  const awake = await recordOf("office");
  expect(awake.record).toMatchObject({ status: "active", firstAppliedAt: applied.record.firstAppliedAt, outputs: { greeting: "hello" } });
  expect(awake.record.hibernatedAt).toBeUndefined();
  expect(awake.runs[0]).toMatchObject({ kind: "apply", outcome: "succeeded", actor: "reconciler" });
  expect(JSON.parse(awake.runs[0]!.summary!)).toMatchObject({ changes: { add: resources } });
  // The chargeback sees the sleep: hours asleep are saved, not spent (core/cost).
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    const [costed] = await costedEnvironments(store);
    expect(costed!.runs.map((run) => `${run.kind}${run.sleep ? " (sleep)" : ""}`).sort()).toEqual(["apply", "apply", "destroy (sleep)"]);
  } finally {
    await store.close();
  }
  // Subscribers hear it slept and woke, and not that it was destroyed or planned.
  expect(awake.events.map((e) => e.type)).toEqual(["planned", "applied", "hibernated", "woke"]);
  expect(awake.events[2]).toMatchObject({ type: "hibernated", actor: "reconciler", form: "destroyed", until: "2026-12-14T07:00:00.000Z" });
  expect(awake.events[3]).toMatchObject({ type: "woke", actor: "reconciler", until: "2026-12-14T18:00:00.000Z" });
});

test("a template with sleep values is applied with them at night and with the environment's own in the morning", async () => {
  await addSleepyTemplate();
  await sandbox.writeDefinition("night", definitionYaml("night", "sleepy", `  variables:\n    greeting: good morning\n${WEEKDAYS_IN_BERLIN}`));
  expect((await envbot(["apply", "night", "--yes"])).code).toBe(0);

  expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ name: "night", action: "sleep", outcome: "done" }]);
  const asleep = await recordOf("night");
  expect(asleep.record).toMatchObject({ hibernatedAt: new Date(FRIDAY_EVENING), outputs: { greeting: "zzz" } });
  expect(asleep.runs[0]).toMatchObject({ kind: "apply", outcome: "succeeded" });
  expect(asleep.events.at(-1)).toMatchObject({ type: "hibernated", form: "sleep-values" });

  expect(await sweep(MONDAY_MORNING)).toMatchObject([{ name: "night", action: "wake", outcome: "done" }]);
  expect((await recordOf("night")).record).toMatchObject({ outputs: { greeting: "good morning" } });
});

test("the drift check of a sleeping environment expects its sleeping form", async () => {
  await addSleepyTemplate();
  await sandbox.writeDefinition("night", definitionYaml("night", "sleepy", WEEKDAYS_IN_BERLIN));
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox", WEEKDAYS_IN_BERLIN));
  expect((await envbot(["apply", "night", "--yes"])).code).toBe(0);
  expect((await envbot(["apply", "office", "--yes"])).code).toBe(0);
  expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ name: "night", action: "sleep", outcome: "done" }, { name: "office", action: "sleep", outcome: "done" }]);
  const drift = await envbot(["reconcile", "--once", "--only", "drift", "--json", "--now", SATURDAY]);
  expect(drift.code).toBe(0);
  // Not "a change in Git not applied": asleep with its sleep values, or destroyed, is as it should be.
  expect(JSON.parse(drift.stdout)).toMatchObject([
    { sweep: "drift", name: "night", action: "in-sync" },
    { sweep: "drift", name: "office", action: "in-sync", detail: "asleep: destroyed until it wakes" },
  ]);
});

test("an environment a pull request holds is not put to sleep; the sweep after the lock is released does it", async () => {
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox", WEEKDAYS_IN_BERLIN));
  expect((await envbot(["apply", "office", "--yes"])).code).toBe(0);
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    expect((await store.acquireLock(sandbox.repository, "office", { kind: "pull-request", number: 12 })).acquired).toBe(true);
    expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ name: "office", action: "sleep-deferred", detail: "pull request #12 holds its lock" }]);
    expect((await store.getEnvironment(sandbox.repository, "office"))!.hibernatedAt).toBeUndefined();
    await store.releaseLock(sandbox.repository, "office", { kind: "pull-request", number: 12 });
  } finally {
    await store.close();
  }
  expect(await sweep("2026-12-11T19:00:00Z")).toMatchObject([{ name: "office", action: "sleep", outcome: "done" }]);
});

test("envbot wake NAME 2h wakes a sleeping environment at once and keeps it awake that long; then it sleeps again", async () => {
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox", WEEKDAYS_IN_BERLIN));
  expect((await envbot(["apply", "office", "--yes"])).code).toBe(0);
  expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ action: "sleep", outcome: "done" }]);

  const woke = await runEnvbot(["wake", "office", "2h", "--json"], { cwd: sandbox.repoDir, env: sandbox.env, now: new Date(SATURDAY) });
  expect(woke.code).toBe(0);
  expect(JSON.parse(woke.stdout)).toEqual({ environment: "office", woke: true, awakeUntil: "2026-12-12T14:00:00.000Z" });
  const awake = await recordOf("office");
  expect(awake.record).toMatchObject({ awakeUntil: new Date("2026-12-12T14:00:00.000Z"), outputs: { greeting: "hello" } });
  expect(awake.record.hibernatedAt).toBeUndefined();
  expect(awake.runs[0]).toMatchObject({ kind: "apply", outcome: "succeeded", actor: "cli:tester" });
  expect(awake.events.at(-1)).toMatchObject({ type: "woke", actor: "cli:tester", until: "2026-12-12T14:00:00.000Z" });

  // Within the two hours the schedule leaves it awake; after them it sleeps again.
  expect(await sweep("2026-12-12T13:00:00Z")).toMatchObject([{ name: "office", action: "none" }]);
  expect(await sweep("2026-12-12T14:05:00Z")).toMatchObject([{ name: "office", action: "sleep", outcome: "done" }]);

  // Without a duration: until the end of the next awake window (Monday 19:00 in Berlin).
  const untilWindowEnd = await runEnvbot(["wake", "office", "--json"], { cwd: sandbox.repoDir, env: sandbox.env, now: new Date(SATURDAY) });
  expect(JSON.parse(untilWindowEnd.stdout)).toMatchObject({ woke: true, awakeUntil: "2026-12-14T18:00:00.000Z" });
});

test("envbot wake refuses what it cannot wake, saying why", async () => {
  await sandbox.writeDefinition("plain", definitionYaml("plain", "sandbox"));
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox", WEEKDAYS_IN_BERLIN));
  const noSchedule = await envbot(["wake", "plain"]);
  expect(noSchedule).toMatchObject({ code: 1, stderr: "envbot wake: plain has no awake hours (spec.hibernation, or the repository's hibernation.default): it never sleeps\n" });
  const notApplied = await envbot(["wake", "office"]);
  expect(notApplied).toMatchObject({ code: 1, stderr: "envbot wake: office has not been applied from here: 'envbot apply office' creates it\n" });
  expect(await envbot(["wake", "office", "soon"])).toMatchObject({ code: 2 });
});

test("an environment applied while it sleeps (a merge, envbot apply) is awake on record, and the next sweep puts it back to sleep", async () => {
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox", WEEKDAYS_IN_BERLIN));
  expect((await envbot(["apply", "office", "--yes"])).code).toBe(0);
  expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ action: "sleep", outcome: "done" }]);
  expect((await envbot(["apply", "office", "--yes"])).code).toBe(0);
  const applied = await recordOf("office");
  expect(applied.record.hibernatedAt).toBeUndefined();
  expect(applied.record.outputs).toMatchObject({ greeting: "hello" });
  expect(await sweep(SATURDAY)).toMatchObject([{ name: "office", action: "sleep", outcome: "done" }]);
});

test("a schedule removed from the definition wakes the environment at the next sweep", async () => {
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox", WEEKDAYS_IN_BERLIN));
  expect((await envbot(["apply", "office", "--yes"])).code).toBe(0);
  expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ action: "sleep", outcome: "done" }]);
  await sandbox.writeDefinition("office", definitionYaml("office", "sandbox"));
  expect(await sweep(SATURDAY)).toMatchObject([{ name: "office", action: "wake", outcome: "done" }]);
  expect((await recordOf("office")).record.hibernatedAt).toBeUndefined();
});
