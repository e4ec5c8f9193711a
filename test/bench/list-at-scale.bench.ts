import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import nock from "nock";
import { openPostgresStore } from "../../src/adapters/store/postgres/index.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import type { InventoryResource } from "../../src/core/inventory/index.js";
import type { Store } from "../../src/core/ports/index.js";
import { startControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { queryPostgres, startPostgres } from "../helpers/postgres-server.js";
import { median, type Benchmark, type BenchFigure } from "./bench-harness.js";

const REPOSITORIES = 100;
const ENVIRONMENTS = Number(process.env.BENCH_SCALE_ENVIRONMENTS ?? 10_000);
const RUNS_PER_ENVIRONMENT = 20;
const RESOURCES_PER_ENVIRONMENT = 10;
const REQUESTS = 200;
/** Writers at once while seeding PostgreSQL (its pool); SQLite writes one at a time anyway. */
const SEED_CONCURRENCY = 8;

/**
 * The control plane's reads at an organization's size, in both stores: 10,000 environments in 100
 * repositories with 200,000 runs and 100,000 recorded resources. The environments list API (a
 * page of 50; a filtered page) as the server times itself (Server-Timing), against its health
 * endpoint on the same server; and a search of the inventory by an attribute's value.
 */
export const listAtScaleBenchmark: Benchmark = {
  name: `list at scale: ${ENVIRONMENTS} environments, ${ENVIRONMENTS * RUNS_PER_ENVIRONMENT} runs, ${ENVIRONMENTS * RESOURCES_PER_ENVIRONMENT} resources (SQLite and PostgreSQL)`,
  async run() {
    const dir = await mkdtemp(path.join(tmpdir(), "envbot-bench-scale-"));
    const postgres = await startPostgres();
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^127\.0\.0\.1(:\d+)?$/.test(host));
    const repositories = Array.from({ length: REPOSITORIES }, (_, i) => new FakeGitHub({ owner: "octo-org", repo: `environments-${String(i).padStart(3, "0")}` }));
    for (const github of repositories) {
      github.install();
      github.permissions.set("alice", "write");
    }
    try {
      const figures: BenchFigure[] = [];
      for (const [label, open] of [
        ["SQLite", () => Promise.resolve(openSqliteStore({ file: path.join(dir, "envbot.db") }))],
        ["PostgreSQL", () => openPostgresStore({ connectionString: postgres.connectionString })],
      ] as const) {
        const store: Store = await open();
        try {
          const seeded = performance.now();
          await seed(store, repositories.map((g) => g.fullName));
          // The statistics autovacuum would have gathered by now on a database that grew over time.
          if (label === "PostgreSQL") await queryPostgres(postgres.connectionString, "ANALYZE");
          figures.push({ name: `${label}: seeded`, value: (performance.now() - seeded) / 1000, unit: "s", note: "through the Store port" });
          figures.push(...(await measure(label, store)));
        } finally {
          await store.close();
        }
      }
      return figures;
    } finally {
      for (const github of repositories) github.uninstall();
      nock.enableNetConnect();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function measure(label: string, store: Store): Promise<BenchFigure[]> {
  const api = await startControlPlaneServer({ store });
  const cookie = `envbot_session=${api.sessionFor("alice").cookie}`;
  try {
    const timed = async (url: string) => {
      const started = performance.now();
      const response = await fetch(`${api.origin}${url}`, { headers: { cookie } });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return { roundTrip: performance.now() - started, server: Number(/dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1] ?? NaN) };
    };
    const sample = async (url: string) => {
      for (let i = 0; i < 10; i++) await timed(url); // warm: permission cache, statements, JIT
      const samples = [];
      for (let i = 0; i < REQUESTS; i++) samples.push(await timed(url));
      return { server: p95(samples.map((s) => s.server)), median: median(samples.map((s) => s.roundTrip)) };
    };
    const health = await sample("/api/v1/health");
    const firstPage = await sample("/api/v1/environments?limit=50");
    const filtered = await sample("/api/v1/environments?limit=50&status=active&label=cost-center=4711&q=env-1");
    const find = async (value: string) => {
      const started = performance.now();
      const found = await store.findResources(value, { limit: 20 });
      if (found.length === 0) throw new Error(`nothing found for ${value}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 10; i++) await find(`bucket-${i}-3`);
    const finds: number[] = [];
    for (let i = 0; i < REQUESTS; i++) finds.push(await find(`bucket-${(i * 37) % ENVIRONMENTS}-${i % RESOURCES_PER_ENVIRONMENT}`));
    return [
      { name: `${label}: list, page of 50: p95 server time`, value: firstPage.server, unit: "ms", note: "target < 50 ms" },
      { name: `${label}: list, filtered (status, label, words): p95 server`, value: filtered.server, unit: "ms", note: "target < 50 ms" },
      { name: `${label}: list page / health, median round trip`, value: firstPage.median / health.median, unit: "x" },
      { name: `${label}: find by attribute value: p95`, value: p95(finds), unit: "ms", note: "target < 20 ms" },
    ];
  } finally {
    await api.close();
  }
}

async function seed(store: Store, repositories: string[]): Promise<void> {
  const statuses = ["active", "active", "active", "expiring", "failed", "planned", "destroyed"] as const;
  const summary = JSON.stringify({ environment: "x", mode: "normal", changes: { add: 2, change: 1, destroy: 0, replace: 0 }, hasChanges: true, resources: [{ address: "module.site.aws_s3_bucket.site", action: "create", attributes: [] }], outputs: [], drift: [] });
  const one = async (n: number) => {
    const repository = repositories[n % repositories.length]!;
    const name = `env-${String(n).padStart(5, "0")}`;
    await store.upsertEnvironment({ repository, name, template: n % 3 === 0 ? "static-site" : "sandbox", owner: `@octo-org/team-${n % 17}`, status: statuses[n % statuses.length]!, description: `Environment ${n}`, labels: { "cost-center": String(4700 + (n % 20)) }, expiresAt: new Date(Date.now() + (n % 100) * 3600_000) });
    const inventory: InventoryResource[] = Array.from({ length: RESOURCES_PER_ENVIRONMENT }, (_, r) => ({
      address: `module.site.aws_s3_bucket.b${r}`,
      type: "aws_s3_bucket",
      provider: "registry.terraform.io/hashicorp/aws",
      module: "module.site",
      cloudId: `bucket-${n}-${r}`,
      arn: `arn:aws:s3:::bucket-${n}-${r}`,
      dependsOn: [],
      attributes: { bucket: `bucket-${n}-${r}`, region: "eu-west-1", tags: { team: `team-${n % 17}`, env: name } },
    }));
    for (let r = 0; r < RUNS_PER_ENVIRONMENT; r++) {
      const run = await store.startRun({ repository, environment: name, kind: r % 4 === 3 ? "apply" : "plan", commit: String(n * 100 + r).padStart(40, "0"), actor: "alice" });
      const last = r === RUNS_PER_ENVIRONMENT - 1;
      await store.finishRun(run.id, { outcome: "succeeded", summary: summary as never, logExcerpt: "Plan: 2 to add, 1 to change, 0 to destroy.", ...(last && { inventory }) });
    }
  };
  let next = 0;
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, async () => {
    while (next < ENVIRONMENTS) await one(next++);
  }));
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}
