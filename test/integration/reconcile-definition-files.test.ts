import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { runEnvbot } from "../helpers/run-cli.js";

// The reconciler finds definitions by the same rule as validate and the App: .yaml or .yml,
// with the real terraform binary on the sandbox template.

let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });
const hours = (n: number) => n * 3600_000;
const writeFileIn = (file: string, text: string) => writeFile(path.join(sandbox.repoDir, "environments", file), text);

async function statusOf(name: string): Promise<{ status: string; firstAppliedAt: string } | undefined> {
  return (JSON.parse((await envbot(["status", "--json"])).stdout) as { name: string; status: string; firstAppliedAt: string }[]).find((e) => e.name === name);
}
async function sweep(at: number) {
  const result = await envbot(["reconcile", "--once", "--only", "expiry", "--json", "--now", new Date(at).toISOString()]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { name: string; action: string; outcome?: string; detail?: string }[];
}

beforeEach(async () => {
  sandbox = await createEngineSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

test("an environment applied from a .yml definition expires and is destroyed like a .yaml one", async () => {
  await writeFileIn("short.yml", definitionYaml("short", "sandbox", "  ttl: 72h\n"));
  expect((await envbot(["apply", "environments/short.yml", "--yes"])).code).toBe(0);
  const applied = Date.parse((await statusOf("short"))!.firstAppliedAt);

  expect(await sweep(applied + hours(1))).toEqual([{ sweep: "expiry", name: "short", action: "none", expiresAt: new Date(applied + hours(72)).toISOString() }]);
  expect(await sweep(applied + hours(73))).toMatchObject([{ name: "short", action: "destroy", outcome: "done" }]);
  expect((await statusOf("short"))!.status).toBe("destroyed");
  // The CLI finds it by NAME as well.
  expect((await envbot(["plan", "short", "--json"])).code).toBe(0);
});

test("an environment defined by two files is unusable: both problems are listed and nothing is destroyed", async () => {
  await sandbox.writeDefinition("hij", definitionYaml("hij", "sandbox", "  ttl: 1h\n"));
  expect((await envbot(["apply", "hij", "--yes"])).code).toBe(0);
  await writeFileIn("hij.yml", definitionYaml("hij", "sandbox", "  ttl: 1h\n"));

  const [entry, ...others] = await sweep(Date.now() + hours(3));
  expect(others).toEqual([]);
  expect(entry).toMatchObject({ name: "hij", action: "unusable", outcome: "done" });
  const twice = "metadata.name: environment 'hij' is defined twice: environments/hij.yaml and environments/hij.yml; keep one";
  expect(entry!.detail).toBe(`environments/hij.yaml:4:9: ${twice}; environments/hij.yml:4:9: ${twice}`);
  expect((await statusOf("hij"))!.status).toBe("active");
});
