import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import nock from "nock";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { startControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { launchBrowser } from "../helpers/browser.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { median, type Benchmark } from "./bench-harness.js";

const REPOSITORIES = 10;
const ENVIRONMENTS = Number(process.env.BENCH_API_ENVIRONMENTS ?? 1000);
const RUNS_PER_ENVIRONMENT = 20;
const REQUESTS = 200;

/**
 * The control plane under a realistic amount of history: 1,000 environments in 10 repositories
 * with 20,000 runs in the SQLite store. (1) The environments list API, first page of 50 and a
 * filtered page: p95 of the server's own time (Server-Timing) and of the round trip, against the
 * health endpoint's round trip on the same server (the HTTP floor). (2) The dashboard's
 * environments page in headless Chromium: time from navigation to the table's rows.
 */
export const controlPlaneBenchmark: Benchmark = {
  name: `Control plane: environments API and dashboard page (${ENVIRONMENTS} environments, ${ENVIRONMENTS * RUNS_PER_ENVIRONMENT} runs)`,
  async run() {
    const dir = await mkdtemp(path.join(tmpdir(), "envbot-bench-api-"));
    const store = openSqliteStore({ file: path.join(dir, "envbot.db") });
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^127\.0\.0\.1(:\d+)?$/.test(host));
    const repositories = Array.from({ length: REPOSITORIES }, (_, i) => new FakeGitHub({ owner: "octo-org", repo: `environments-${i}` }));
    for (const github of repositories) {
      github.install();
      github.permissions.set("alice", "write");
    }
    const seeded = performance.now();
    await seed(store, repositories.map((g) => g.fullName));
    const seedMs = performance.now() - seeded;
    const api = await startControlPlaneServer({ store });
    const session = api.sessionFor("alice");
    const cookie = `envbot_session=${session.cookie}`;
    const timed = async (url: string) => {
      const started = performance.now();
      const response = await fetch(`${api.origin}${url}`, { headers: { cookie } });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      const server = Number(/dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1] ?? NaN);
      return { roundTrip: performance.now() - started, server };
    };
    const measure = async (url: string) => {
      for (let i = 0; i < 10; i++) await timed(url); // warm: permission cache, statements, JIT
      const samples = [];
      for (let i = 0; i < REQUESTS; i++) samples.push(await timed(url));
      return { server: p95(samples.map((s) => s.server)), roundTrip: p95(samples.map((s) => s.roundTrip)), median: median(samples.map((s) => s.roundTrip)) };
    };

    try {
      const health = await measure("/api/v1/health");
      const firstPage = await measure("/api/v1/environments?limit=50");
      const filtered = await measure("/api/v1/environments?limit=50&status=active&q=env-1");
      const detail = await measure(`/api/v1/environments/${repositories[0]!.fullName}/env-0000`);

      const browser = await launchBrowser();
      let loads: number[] = [];
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addCookies([{ name: "envbot_session", value: session.cookie, url: api.origin }]);
        const page = await context.newPage();
        for (let i = 0; i < 7; i++) {
          const started = performance.now();
          await page.goto(api.origin);
          await page.locator("#environments tbody tr[data-environment]").first().waitFor();
          loads.push(performance.now() - started);
        }
        loads = loads.slice(2); // the first loads fill the browser's caches
      } finally {
        await browser.close();
      }

      return [
        { name: "store seeded with", value: ENVIRONMENTS * RUNS_PER_ENVIRONMENT, unit: "runs", note: `${(seedMs / 1000).toFixed(0)} s through the Store port` },
        { name: "list, page of 50: p95 server time", value: firstPage.server, unit: "ms", note: "target < 100 ms" },
        { name: "list, page of 50: p95 round trip", value: firstPage.roundTrip, unit: "ms" },
        { name: "list, filtered (status, words): p95 server", value: filtered.server, unit: "ms" },
        { name: "one environment with its runs: p95 server", value: detail.server, unit: "ms" },
        { name: "health: p95 round trip (HTTP floor)", value: health.roundTrip, unit: "ms" },
        { name: "list page of 50 / health, median round trip", value: firstPage.median / health.median, unit: "x" },
        { name: "dashboard: navigation to table rows (median)", value: median(loads), unit: "ms", note: "headless Chromium, 100 rows" },
      ];
    } finally {
      await api.close();
      await store.close();
      for (const github of repositories) github.uninstall();
      nock.enableNetConnect();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** 1,000 environments across the repositories, each with 20 runs (plans and applies with summaries). */
async function seed(store: ReturnType<typeof openSqliteStore>, repositories: string[]): Promise<void> {
  const statuses = ["active", "active", "active", "expiring", "failed", "planned", "destroyed"] as const;
  const summary = JSON.stringify({ environment: "x", mode: "normal", changes: { add: 2, change: 1, destroy: 0, replace: 0 }, hasChanges: true, resources: [{ address: "module.site.aws_s3_bucket.site", action: "create", attributes: [] }], outputs: [], drift: [] });
  for (let n = 0; n < ENVIRONMENTS; n++) {
    const repository = repositories[n % repositories.length]!;
    const name = `env-${String(n).padStart(4, "0")}`;
    await store.upsertEnvironment({ repository, name, template: n % 3 === 0 ? "static-site" : "sandbox", owner: `@octo-org/team-${n % 17}`, status: statuses[n % statuses.length]!, description: `Environment ${n}`, labels: { "cost-center": String(4700 + (n % 20)) }, expiresAt: new Date(Date.now() + (n % 100) * 3600_000) });
    for (let r = 0; r < RUNS_PER_ENVIRONMENT; r++) {
      const run = await store.startRun({ repository, environment: name, kind: r % 4 === 3 ? "apply" : "plan", commit: String(n * 100 + r).padStart(40, "0"), actor: "alice" });
      await store.finishRun(run.id, { outcome: "succeeded", summary, logExcerpt: "Plan: 2 to add, 1 to change, 0 to destroy." });
    }
  }
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}
