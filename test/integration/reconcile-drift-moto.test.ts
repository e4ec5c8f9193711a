import { jest } from "@jest/globals";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { awsTestEnv, motoS3, startMoto, type MotoServer } from "../helpers/moto-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Drift with the real aws provider against moto, through `envbot reconcile --once --only drift`.
jest.setTimeout(240_000);

let moto: MotoServer;
let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });
const driftSweep = async () => {
  const result = await envbot(["reconcile", "--once", "--only", "drift", "--json"]);
  expect(result.stderr).not.toContain("Error:");
  return JSON.parse(result.stdout) as { name: string; action: string; outcome?: string; detail?: string }[];
};
const s3 = (method: string, resource: string, body?: string) => motoS3(moto.endpoint)(method, resource, body);

beforeAll(async () => {
  moto = await startMoto();
  sandbox = await createEngineSandbox({ env: { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint } });
  await sandbox.writeDefinition("site", definitionYaml("site", "static-site"));
});
afterAll(async () => {
  await sandbox?.cleanup();
  await moto?.stop();
});

let bucket: string;

test("right after apply the environment is in sync (no provider bookkeeping reads as drift)", async () => {
  const applied = await envbot(["apply", "site", "--yes", "--json"]);
  expect(applied.code).toBe(0);
  bucket = JSON.parse(applied.stdout).outputs.bucket;
  expect(await driftSweep()).toEqual([{ sweep: "drift", name: "site", action: "in-sync" }]);
});

test("a tag changed through the AWS API is cloud drift, with the attribute", async () => {
  const tagging = await s3("GET", `${bucket}?tagging`);
  await s3("PUT", `${bucket}?tagging`, tagging.replace("<Value>@acme/qa</Value>", "<Value>@intruder</Value>"));
  const result = await envbot(["reconcile", "--once", "--only", "drift"]);
  expect(result.stdout).toContain("drift: site: module.environment.aws_s3_bucket.site changed outside Terraform: tags.envbot:owner");
  expect(result.stdout).not.toContain("pending:");
  // Put back as it was: the drift it reported is resolved, and after that it is simply in sync.
  await s3("PUT", `${bucket}?tagging`, tagging);
  expect(await driftSweep()).toMatchObject([{ name: "site", action: "drift-resolved", outcome: "done" }]);
  expect(await driftSweep()).toMatchObject([{ name: "site", action: "in-sync" }]);
  // Events out: found once, resolved once (an unchanged drift is not announced again).
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  const drift = (await store.pendingEvents(100)).map((e) => e.event).filter((e) => e.type.startsWith("drift-"));
  // Each sweep so far (four) checked the environment with one Terraform plan, not two.
  const repository = (await store.listEnvironments()).find((e) => e.name === "site")!.repository;
  const checks = (await store.listRuns(repository, "site", 50)).filter((r) => r.kind === "drift");
  await store.close();
  expect(drift).toMatchObject([{ type: "drift-found", environment: "site", drifted: 1, pendingInGit: 0 }, { type: "drift-resolved", environment: "site" }]);
  expect(checks).toHaveLength(4);
});

test("a change in Git that was not applied is reported as such, not as cloud drift", async () => {
  const file = path.join(sandbox.repoDir, "environments", "site.yaml");
  await sandbox.writeDefinition("site", (await readFile(file, "utf8")) + "  variables:\n    index_html: <h1>changed in git</h1>\n");
  const result = await envbot(["reconcile", "--once", "--only", "drift"]);
  expect(result.stdout).toContain("pending: site: module.environment.aws_s3_object.index would update");
  expect(result.stdout).not.toContain("changed outside Terraform");
});
