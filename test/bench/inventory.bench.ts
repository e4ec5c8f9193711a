import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { findOrphans, type InventoryResource } from "../../src/core/inventory/index.js";
import { medianMs, type BenchFigure, type Benchmark } from "./bench-harness.js";

const REPOSITORY = "octo-org/environments";
const ENVIRONMENTS = Number(process.env.BENCH_INVENTORY_ENVIRONMENTS ?? 200);
const RESOURCES_PER_ENVIRONMENT = 50;

/**
 * What the inventory answers without Terraform, at a platform's size (200 environments of 50
 * resources: 10,000 in the SQLite store). `find` by ARN and by an attribute's value (both scan
 * the attributes' JSON with a LIKE, then the core matches) against reading one environment's
 * inventory by its key, the cheapest read there is; and the orphan comparison of 10,000 tagged
 * resources with every inventory, against reading those inventories.
 */
export const inventoryBenchmark: Benchmark = {
  name: `Inventory: find and orphans over ${ENVIRONMENTS * RESOURCES_PER_ENVIRONMENT} resources`,
  async run() {
    const dir = await mkdtemp(path.join(tmpdir(), "envbot-bench-inventory-"));
    const store = openSqliteStore({ file: path.join(dir, "envbot.db") });
    try {
      const names = Array.from({ length: ENVIRONMENTS }, (_, i) => `env-${i}`);
      for (const name of names) {
        await store.upsertEnvironment({ repository: REPOSITORY, name, template: "static-site", owner: "@octo-org/web", status: "active" });
        const run = await store.startRun({ repository: REPOSITORY, environment: name, kind: "apply", actor: "bench" });
        await store.finishRun(run.id, { outcome: "succeeded", inventory: resourcesOf(name) });
      }
      const middle = names[Math.floor(ENVIRONMENTS / 2)]!;
      const one = () => store.listInventory(REPOSITORY, middle);
      const byArn = () => store.findResources(`arn:aws:s3:::${middle}-bucket-7`, { limit: 50 });
      const byValue = () => store.findResources(`${middle}-team`, { limit: 50 });
      if ((await byArn()).length !== 1 || (await byValue()).length === 0) throw new Error("the benchmark's finds found nothing: the figures would measure nothing");

      const oneMs = await medianMs(one, { runs: 31, warmup: 5 });
      const arnMs = await medianMs(byArn, { runs: 31, warmup: 5 });
      const valueMs = await medianMs(byValue, { runs: 11, warmup: 2 });

      // Everything tagged is in a state but one bucket per 100 environments: left behind.
      const inventories = await Promise.all(names.map((name) => store.listInventory(REPOSITORY, name)));
      const tagged = inventories.flat().filter((r) => r.arn).map((r) => ({ arn: r.arn!, tags: { "envbot:repository": REPOSITORY, "envbot:environment": r.address.split("/")[0]! } }));
      for (let i = 0; i < ENVIRONMENTS; i += 100) tagged.push({ arn: `arn:aws:s3:::left-behind-${i}`, tags: { "envbot:repository": REPOSITORY, "envbot:environment": names[i]! } });
      const readAll = () => Promise.all(names.map((name) => store.listInventory(REPOSITORY, name)));
      const compare = async () => findOrphans(REPOSITORY, tagged, await readAll());
      if ((await compare()).length !== Math.ceil(ENVIRONMENTS / 100)) throw new Error("the orphan comparison found the wrong resources");
      const readMs = await medianMs(readAll, { runs: 7, warmup: 1 });
      const orphansMs = await medianMs(compare, { runs: 7, warmup: 1 });

      const figures: BenchFigure[] = [
        { name: "one environment's inventory (by key)", value: oneMs, unit: "ms" },
        { name: "find by ARN", value: arnMs, unit: "ms" },
        // Every find also matches attribute values: a LIKE over the attributes' JSON, a scan of the table.
        { name: "find by ARN: ratio to one inventory", value: arnMs / oneMs, unit: "x", note: "target: a few ms at 10,000 resources" },
        { name: "find by an attribute's value", value: valueMs, unit: "ms" },
        { name: "find by value: ratio to one inventory", value: valueMs / oneMs, unit: "x", note: "scans the attributes' JSON" },
        { name: "read every inventory", value: readMs, unit: "ms" },
        { name: `orphans of ${tagged.length} tagged resources`, value: orphansMs, unit: "ms" },
        { name: "orphans: ratio to reading the inventories", value: orphansMs / readMs, unit: "x", note: "the comparison itself is a set lookup: target <= 1.2" },
      ];
      return figures;
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** A static site's worth of resources per environment: buckets with ARNs, and their policies and objects. */
function resourcesOf(environment: string): InventoryResource[] {
  return Array.from({ length: RESOURCES_PER_ENVIRONMENT }, (_, i) => {
    const bucket = i % 5 === 0 || i === 7;
    return {
      address: `${environment}/module.site.${bucket ? "aws_s3_bucket" : "aws_s3_object"}.r${i}`,
      type: bucket ? "aws_s3_bucket" : "aws_s3_object",
      provider: "registry.terraform.io/hashicorp/aws",
      module: "module.site",
      cloudId: `${environment}-bucket-${i}`,
      ...(bucket && { arn: `arn:aws:s3:::${environment}-bucket-${i}` }),
      dependsOn: i === 0 ? [] : [`${environment}/module.site.aws_s3_bucket.r0`],
      attributes: { bucket: `${environment}-bucket-${i}`, tags: { team: `${environment}-team`, "envbot:environment": environment }, acl: "private" },
    };
  });
}
