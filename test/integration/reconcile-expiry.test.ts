import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Expiry with a fake clock (--now) and the real terraform binary on the sandbox template.

let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });
const hours = (n: number) => n * 3600_000;

async function firstAppliedAt(name: string): Promise<number> {
  const status = JSON.parse((await envbot(["status", "--json"])).stdout) as { name: string; firstAppliedAt: string }[];
  return Date.parse(status.find((e) => e.name === name)!.firstAppliedAt);
}
async function statusOf(name: string): Promise<string | undefined> {
  return (JSON.parse((await envbot(["status", "--json"])).stdout) as { name: string; status: string }[]).find((e) => e.name === name)?.status;
}
async function sweep(at: number, ...flags: string[]) {
  const result = await envbot(["reconcile", "--once", "--only", "expiry", "--json", "--now", new Date(at).toISOString(), ...flags]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { sweep: string; name: string; action: string; outcome?: string; detail?: string }[];
}

beforeEach(async () => {
  sandbox = await createEngineSandbox();
  await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), "version: 1\nlimits:\n  expiryWarning: 2h\n  maxDestroysPerSweep: 1\n");
});
afterEach(async () => {
  await sandbox.cleanup();
});

test("nothing before the warning window; one warning; a dry run changes nothing; at expiry it is destroyed", async () => {
  await sandbox.writeDefinition("short", definitionYaml("short", "sandbox", "  ttl: 24h\n"));
  expect((await envbot(["apply", "short", "--yes"])).code).toBe(0);
  const applied = await firstAppliedAt("short");

  expect(await sweep(applied + hours(1))).toEqual([{ sweep: "expiry", name: "short", action: "none", expiresAt: new Date(applied + hours(24)).toISOString() }]);

  const warned = await sweep(applied + hours(23));
  expect(warned).toMatchObject([{ name: "short", action: "warn", outcome: "done" }]);
  expect(await statusOf("short")).toBe("expiring");
  // Warned once: the next sweeps before expiry say nothing more.
  expect(await sweep(applied + hours(23.5))).toMatchObject([{ name: "short", action: "none" }]);

  const dryRun = await sweep(applied + hours(25), "--dry-run");
  expect(dryRun).toEqual([{ sweep: "expiry", name: "short", action: "destroy", expiresAt: new Date(applied + hours(24)).toISOString() }]);
  expect(await statusOf("short")).toBe("expiring");

  expect(await sweep(applied + hours(25))).toMatchObject([{ name: "short", action: "destroy", outcome: "done" }]);
  expect(await statusOf("short")).toBe("destroyed");
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  const [destroy] = await store.listRuns(sandbox.repository, "short", 1);
  // Events out, in order, for whoever subscribes: applied by the CLI, warned once, destroyed and expired by the reconciler.
  const events = (await store.pendingEvents(100)).map((e) => e.event).filter((e) => e.environment === "short");
  await store.close();
  expect(destroy).toMatchObject({ kind: "destroy", outcome: "succeeded", actor: "reconciler" });
  expect(events.map((e) => `${e.type} ${e.actor}`)).toEqual(["planned cli:tester", "applied cli:tester", "expiry-warned reconciler", "planned reconciler", "destroyed reconciler", "expired reconciler"]);
  // Destroyed environments are no longer the reconciler's business.
  expect(await sweep(applied + hours(30))).toEqual([]);
});

test("extending a warned environment makes it active again, and the new expiry is warned of in its turn", async () => {
  await sandbox.writeDefinition("short", definitionYaml("short", "sandbox", "  ttl: 24h\n"));
  await envbot(["apply", "short", "--yes"]);
  const applied = await firstAppliedAt("short");
  expect(await sweep(applied + hours(23))).toMatchObject([{ action: "warn" }]);
  await sandbox.writeDefinition("short", definitionYaml("short", "sandbox", "  ttl: 72h\n"));
  expect(await sweep(applied + hours(25))).toMatchObject([{ action: "none", expiresAt: new Date(applied + hours(72)).toISOString() }]);
  expect(await statusOf("short")).toBe("active");
  expect(await sweep(applied + hours(71))).toMatchObject([{ action: "warn", outcome: "done" }]);
});

test("human output says what was done, and how to extend", async () => {
  await sandbox.writeDefinition("short", definitionYaml("short", "sandbox", "  ttl: 24h\n"));
  await envbot(["apply", "short", "--yes"]);
  const applied = await firstAppliedAt("short");
  const result = await envbot(["reconcile", "--once", "--only", "expiry", "--now", new Date(applied + hours(23)).toISOString()]);
  expect(result.stdout).toContain("warning: short (@acme/qa) expires at");
  expect(result.stdout).toContain("extend it by changing spec.ttl or spec.expiresAt in environments/short.yaml");
});

test("a protected environment is kept; the destroy limit holds; an unusable definition stops everything for it", async () => {
  await sandbox.writeDefinition("keep", definitionYaml("keep", "sandbox", "  ttl: 1h\n  protected: true\n"));
  for (const name of ["gone-a", "gone-b"]) await sandbox.writeDefinition(name, definitionYaml(name, "sandbox", "  ttl: 1h\n"));
  await sandbox.writeDefinition("broken", definitionYaml("broken", "sandbox", "  ttl: 1h\n"));
  for (const name of ["keep", "gone-a", "gone-b", "broken"]) expect((await envbot(["apply", name, "--yes"])).code).toBe(0);
  const file = path.join(sandbox.repoDir, "environments", "broken.yaml");
  await writeFile(file, (await readFile(file, "utf8")).replace("ttl: 1h", "ttl: soon"));
  const later = Date.now() + hours(3);

  const first = await sweep(later);
  expect(first.map((e) => `${e.name}:${e.action}`).sort()).toEqual(["broken:unusable", "gone-a:destroy", "gone-b:deferred", "keep:keep-protected"]);
  expect(first.find((e) => e.name === "gone-b")!.detail).toBe("the limit of 1 destroys per sweep was reached");
  expect(first.find((e) => e.name === "broken")!.detail).toContain("'soon' is not a duration");
  expect(await statusOf("broken")).toBe("active");
  expect(await statusOf("keep")).toBe("active");

  const second = await sweep(later);
  expect(second.map((e) => `${e.name}:${e.action}`).sort()).toEqual(["broken:unusable", "gone-b:destroy", "keep:keep-protected"]);
  expect(await statusOf("gone-b")).toBe("destroyed");
});

test("a failed destroy leaves the environment failed, is reported, and is retried on the next sweep", async () => {
  const { cp } = await import("node:fs/promises");
  const { fixturePath } = await import("../helpers/fixtures.js");
  await cp(fixturePath("templates", "fails-on-destroy"), path.join(sandbox.repoDir, "templates", "fails-on-destroy"), { recursive: true });
  await sandbox.writeDefinition("stubborn", definitionYaml("stubborn", "fails-on-destroy", "  ttl: 1h\n"));
  expect((await envbot(["apply", "stubborn", "--yes"])).code).toBe(0);
  const later = new Date(Date.now() + hours(2)).toISOString();

  const first = await envbot(["reconcile", "--once", "--only", "expiry", "--now", later]);
  expect(first.code).toBe(1);
  expect(first.stdout).toContain("error: destroying expired stubborn failed: a provisioner of the template failed; the next sweep retries");
  expect(await statusOf("stubborn")).toBe("failed");

  const second = await envbot(["reconcile", "--once", "--only", "expiry", "--now", later, "--json"]);
  expect(JSON.parse(second.stdout)).toMatchObject([{ name: "stubborn", action: "destroy", outcome: "failed" }]);
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  const destroys = (await store.listRuns(sandbox.repository, "stubborn")).filter((r) => r.kind === "destroy");
  await store.close();
  expect(destroys.map((r) => r.outcome)).toEqual(["failed", "failed"]);
});

test("--now must be an RFC 3339 time", async () => {
  const result = await envbot(["reconcile", "--once", "--now", "tomorrow"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("--now: 'tomorrow' is not an RFC 3339 time");
});

test("an expiresAt that names no instant (a leap second) is an error at its line, and the sweep reports that environment and goes on with the others", async () => {
  const leap = `  expiresAt: "${new Date().getUTCFullYear() + 1}-06-30T23:59:60Z"\n`;
  await sandbox.writeDefinition("leaping", definitionYaml("leaping", "sandbox", leap));
  const validation = await envbot(["validate"]);
  expect(validation.code).toBe(1);
  expect(validation.stdout).toContain(`environments/leaping.yaml:8:14: spec.expiresAt: '${leap.trim().slice(12, -1)}' is not a real instant: write a time that exists, like ${leap.trim().slice(12, -1).replace(":60", ":59")}`);

  // A record made before the rule: applied with a ttl, then its definition moved to the leap second.
  await sandbox.writeDefinition("leaping", definitionYaml("leaping", "sandbox", "  ttl: 1h\n"));
  await sandbox.writeDefinition("due", definitionYaml("due", "sandbox", "  ttl: 1h\n"));
  for (const name of ["leaping", "due"]) expect((await envbot(["apply", name, "--yes"])).code).toBe(0);
  await sandbox.writeDefinition("leaping", definitionYaml("leaping", "sandbox", leap));
  const swept = await sweep(Date.now() + hours(2));
  expect(swept.map((e) => `${e.name}:${e.action}:${e.outcome}`).sort()).toEqual(["due:destroy:done", "leaping:unusable:done"]);
  expect(swept.find((e) => e.name === "leaping")!.detail).toContain("is not a real instant");
  expect(await statusOf("due")).toBe("destroyed");
  expect(await statusOf("leaping")).toBe("active");
});
