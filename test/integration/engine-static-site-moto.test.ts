import { jest } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { repositoryStorageKey } from "../../src/adapters/terraform/repository-storage-key.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { awsTestEnv, motoS3, startMoto, type MotoServer } from "../helpers/moto-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// The static-site template with the real hashicorp/aws provider against moto, its state in the
// s3 backend on moto, through the CLI: apply, inventory, orphans, plan, the drift sweep
// (`envbot reconcile --once --only drift`) and destroy. A change in Git not yet applied is
// reported apart from cloud drift: app-reconcile shows it on moto, cli-drift-sweep on terraform_data. One environment serves the tests in order
// (each leaves the cloud as the next expects): every run of the aws provider costs seconds.
jest.setTimeout(240_000);

const STATE_BUCKET = "envbot-state";
let moto: MotoServer;
let sandbox: EngineSandbox;
const envbot = (argv: string[]) => runEnvbot(argv, { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });

const s3 = (method: string, resource: string, body?: string) => motoS3(moto.endpoint)(method, resource, body);
const driftSweep = async () => {
  const result = await envbot(["reconcile", "--once", "--only", "drift", "--json"]);
  expect(result.stderr).not.toContain("Error:");
  return JSON.parse(result.stdout) as { name: string; action: string; outcome?: string; detail?: string }[];
};

beforeAll(async () => {
  moto = await startMoto();
  await s3("PUT", STATE_BUCKET);
  sandbox = await createEngineSandbox({ env: { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint } });
  await writeFile(
    path.join(sandbox.repoDir, ".github", "envbot.yml"),
    `version: 1\nstate:\n  backend: s3\n  s3:\n    bucket: ${STATE_BUCKET}\n    region: us-east-1\n    keyPrefix: envbot/\n`,
  );
  await sandbox.writeDefinition("site", definitionYaml("site", "static-site", "  ttl: 24h\n  variables:\n    index_html: <h1>hi</h1>\n"));
});

afterAll(async () => {
  await sandbox?.cleanup();
  await moto?.stop();
});

let bucket: string;

test("apply creates the bucket with the envbot tags, and its state lives in the s3 backend", async () => {
  const result = await envbot(["apply", "site", "--yes", "--json"]);
  expect(result.stderr).not.toContain("Error");
  expect(result.code).toBe(0);
  const applied = JSON.parse(result.stdout);
  expect(applied.plan.changes).toMatchObject({ add: 3, change: 0, destroy: 0 });
  bucket = applied.outputs.bucket;
  expect(bucket).toMatch(/^envbot-site-/);
  expect(applied.outputs.url).toContain(bucket);

  const tagging = await s3("GET", `${bucket}?tagging`);
  expect(tagging).toContain("<Key>envbot:environment</Key><Value>site</Value>");
  expect(tagging).toContain("<Key>envbot:owner</Key><Value>@acme/qa</Value>");
  // A local checkout is its absolute path; its state key names the folder and a hash of the path.
  expect(tagging).toContain(`<Key>envbot:repository</Key><Value>${sandbox.repository}</Value>`);
  expect(await s3("GET", `${STATE_BUCKET}?list-type=2`)).toContain(`<Key>envbot/${repositoryStorageKey(sandbox.repository)}/site.tfstate</Key>`);
});

test("the inventory lists the bucket and its website configuration with their ids and the dependency between them; find by the bucket's ARN names the environment", async () => {
  const inventory = JSON.parse((await envbot(["inventory", "site", "--json"])).stdout) as { items: { address: string; type: string; cloudId: string | null; arn: string | null; dependsOn: string[] }[]; graph: string };
  const bucketResource = inventory.items.find((r) => r.type === "aws_s3_bucket")!;
  const website = inventory.items.find((r) => r.type === "aws_s3_bucket_website_configuration")!;
  expect(bucketResource).toMatchObject({ cloudId: bucket, arn: `arn:aws:s3:::${bucket}` });
  expect(website).toMatchObject({ cloudId: bucket });
  expect(website.dependsOn).toContain(bucketResource.address);
  expect(inventory.graph).toMatch(/flowchart LR/);

  const found = await envbot(["find", `arn:aws:s3:::${bucket}`, "--json"]);
  expect(JSON.parse(found.stdout).items).toEqual([expect.objectContaining({ repository: sandbox.repository, environment: "site", matched: "arn", resource: expect.objectContaining({ address: bucketResource.address }) })]);
});

test("a bucket tagged for the environment but in no state is reported as left behind; another application's bucket is not", async () => {
  const tagged = (tags: Record<string, string>) => `<Tagging><TagSet>${Object.entries(tags).map(([Key, Value]) => `<Tag><Key>${Key}</Key><Value>${Value}</Value></Tag>`).join("")}</TagSet></Tagging>`;
  await s3("PUT", "envbot-site-left-behind");
  await s3("PUT", "envbot-site-left-behind?tagging", tagged({ "envbot:environment": "site", "envbot:repository": sandbox.repository }));
  await s3("PUT", "another-application");
  await s3("PUT", "another-application?tagging", tagged({ app: "billing", "envbot:environment": "site" }));

  const result = await envbot(["orphans", "--json"]);
  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout).orphans).toEqual([expect.objectContaining({ environment: "site", arn: "arn:aws:s3:::envbot-site-left-behind" })]);
  expect((await envbot(["orphans"])).stdout).toContain("site  arn:aws:s3:::envbot-site-left-behind");
  await s3("DELETE", "envbot-site-left-behind");
  expect((await envbot(["orphans"])).code).toBe(0);
});

// The drift sweep finding it in sync right after apply is app-reconcile's first step; here the
// CLI's own plan says the same.
test("right after apply a re-plan is empty (no provider bookkeeping reads as drift)", async () => {
  const summary = JSON.parse((await envbot(["plan", "site", "--json"])).stdout);
  expect(summary).toMatchObject({ hasChanges: false, changes: { add: 0, change: 0, destroy: 0 }, drift: [] });
});

test("a tag changed through the AWS API shows up as drift, with the attribute and both values, in a plan and in the drift sweep; put back, it is resolved", async () => {
  const tagging = await s3("GET", `${bucket}?tagging`);
  await s3("PUT", `${bucket}?tagging`, tagging.replace("<Value>@acme/qa</Value>", "<Value>@someone-else</Value>"));
  const summary = JSON.parse((await envbot(["plan", "site", "--json"])).stdout);
  const drifted = summary.drift.find((r: { address: string }) => r.address === "module.environment.aws_s3_bucket.site");
  expect(drifted).toBeDefined();
  expect(drifted.attributes).toContainEqual({ path: "tags_all.envbot:owner", before: '"@acme/qa"', after: '"@someone-else"' });
  // And the plan puts it back.
  expect(summary.changes.change).toBeGreaterThanOrEqual(1);

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
  // Each sweep so far (three) checked the environment with one Terraform plan, not two.
  const checks = (await store.listRuns(sandbox.repository, "site", 50)).filter((r) => r.kind === "drift");
  await store.close();
  expect(drift).toMatchObject([{ type: "drift-found", environment: "site", drifted: 1, pendingInGit: 0 }, { type: "drift-resolved", environment: "site" }]);
  expect(checks).toHaveLength(3);
});

test("destroy removes the bucket", async () => {
  const result = await envbot(["destroy", "site", "--yes"]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("Destroyed site.");
  await expect(s3("GET", `${bucket}?tagging`)).rejects.toThrow(/404/);
});
