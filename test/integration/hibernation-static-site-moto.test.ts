import { jest } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { awsTestEnv, motoS3, startMoto, type MotoServer } from "../helpers/moto-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Hibernation with the real hashicorp/aws provider against moto: the static-site environment's
// bucket is gone while it sleeps (its state kept in the s3 backend) and there again when it wakes.
jest.setTimeout(240_000);

const STATE_BUCKET = "envbot-state";
let moto: MotoServer;
let sandbox: EngineSandbox;

const FRIDAY_EVENING = "2026-12-11T18:30:00Z"; // 19:30 in Berlin
const MONDAY_MORNING = "2026-12-14T07:00:00Z"; // 08:00 in Berlin

beforeAll(async () => {
  moto = await startMoto();
  await motoS3(moto.endpoint)("PUT", STATE_BUCKET);
  sandbox = await createEngineSandbox({ env: { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint } });
  await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), `version: 1\nstate:\n  backend: s3\n  s3:\n    bucket: ${STATE_BUCKET}\n    region: us-east-1\n`);
  await sandbox.writeDefinition(
    "site",
    definitionYaml("site", "static-site", '  variables:\n    index_html: <h1>hi</h1>\n  hibernation:\n    timeZone: Europe/Berlin\n    awake:\n      - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "19:00" }\n'),
  );
});

afterAll(async () => {
  await sandbox?.cleanup();
  await moto?.stop();
});

/** The S3 bucket names moto holds. */
async function buckets(): Promise<string[]> {
  const list = await motoS3(moto.endpoint)("GET", "");
  return [...list.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]!);
}

async function sweep(at: string) {
  const result = await runEnvbot(["reconcile", "--once", "--only", "expiry", "--json", "--now", at], { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });
  expect(result.stderr).not.toContain("Error:");
  return JSON.parse(result.stdout) as { name: string; action: string; outcome?: string }[];
}

test("the static site's bucket is destroyed at night, its state kept, and created again in the morning", async () => {
  const applied = await runEnvbot(["apply", "site", "--yes", "--json"], { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });
  expect(applied.code).toBe(0);
  const bucket = (JSON.parse(applied.stdout) as { outputs: { bucket: string } }).outputs.bucket;
  expect(await buckets()).toContain(bucket);

  expect(await sweep(FRIDAY_EVENING)).toMatchObject([{ name: "site", action: "sleep", outcome: "done" }]);
  expect(await buckets()).not.toContain(bucket);
  // Its state stays in the s3 backend: waking applies into it.
  expect(await buckets()).toContain(STATE_BUCKET);

  expect(await sweep(MONDAY_MORNING)).toMatchObject([{ name: "site", action: "wake", outcome: "done" }]);
  // A bucket of its own again (the template names buckets by a prefix: a new one), in its outputs.
  const [woken] = (await buckets()).filter((name) => name.startsWith("envbot-site-"));
  expect(woken).toBeDefined();
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    const record = await store.getEnvironment(sandbox.repository, "site");
    expect(record).toMatchObject({ status: "active", outputs: { bucket: woken } });
    expect(record!.hibernatedAt).toBeUndefined();
  } finally {
    await store.close();
  }
});
