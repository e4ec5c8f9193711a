import { envSecretProvider } from "../../../src/adapters/secrets/env-secret-provider.js";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import type { EngineDeps } from "../../../src/core/engine/index.js";
import type { ReconcileReporter, Store } from "../../../src/core/ports/index.js";
import { runDriftSweep, runExpirySweep, type SweepInput } from "../../../src/core/reconciling/index.js";
import { definitionYaml } from "../../helpers/engine-sandbox.js";
import { starterRepository } from "../../helpers/fixtures.js";
import { InMemoryCodeHost } from "../../helpers/in-memory/in-memory-code-host.js";
import { InMemoryTerraform } from "../../helpers/in-memory/in-memory-terraform.js";

// Issue 13: in scale-out a scheduled sweep decides once and hands each environment's Terraform
// work to a job of its own; each job runs the sweep for its one environment.
const REPO = "acme/environments";
const NOW = new Date("2026-12-02T12:00:00Z");
const NAMES = ["env-a", "env-b", "env-c", "env-d", "env-e"];

let store: Store;
let terraform: InMemoryTerraform;
let host: InMemoryCodeHost;
const told: string[] = [];
const reporter: ReconcileReporter = {
  expiryWarning: async (n) => void told.push(`warned ${n.environment}`),
  expired: async (n) => (told.push(`expired ${n.environment}`), {}),
  destroyFailed: async (n) => void told.push(`destroy failed ${n.environment}`),
  definitionUnusable: async (n) => void told.push(`unusable ${n.environment}`),
  driftFound: async (n) => (told.push(`drift ${n.environment}`), {}),
  driftResolved: async (n) => void told.push(`resolved ${n.environment}`),
};

beforeEach(async () => {
  told.length = 0;
  store = openSqliteStore({ file: ":memory:" });
  terraform = new InMemoryTerraform();
  host = new InMemoryCodeHost();
  const main = await starterRepository();
  main[".github/envbot.yml"] = "version: 1\nlimits:\n  maxDestroysPerSweep: 2\n";
  for (const name of NAMES) {
    main[`environments/${name}.yaml`] = definitionYaml(name, "sandbox", "  ttl: 24h\n");
    // Applied two days ago with a ttl of 24h: every one of them has expired.
    await store.upsertEnvironment({ repository: REPO, name, template: "sandbox", owner: "@acme/qa", status: "active", firstAppliedAt: new Date(NOW.getTime() - 48 * 3600_000) });
  }
  host.commits.set("main", main);
});
afterEach(async () => {
  await store.close();
});

function sweepInput(extra: Partial<SweepInput>): SweepInput {
  const deps: EngineDeps = { store, terraform, secrets: envSecretProvider({}, []), now: () => NOW };
  return { deps, repository: REPO, files: host.filesAt(REPO, "main"), reporter, now: NOW, dryRun: false, concurrency: 2, ...extra };
}

test("an expiry sweep hands at most the per-sweep destroy limit to jobs and defers the rest; a job destroys its one environment", async () => {
  const dispatched: string[] = [];
  const result = await runExpirySweep(sweepInput({ dispatch: async (name) => void dispatched.push(name) }));
  expect(dispatched).toEqual(["env-a", "env-b"]);
  expect(result.entries.map((e) => [e.environment, e.action, e.outcome])).toEqual([
    ["env-a", "destroy", "queued"],
    ["env-b", "destroy", "queued"],
    ["env-c", "deferred", undefined],
    ["env-d", "deferred", undefined],
    ["env-e", "deferred", undefined],
  ]);
  expect(terraform.commands).toEqual([]);

  const slice = await runExpirySweep(sweepInput({ only: ["env-b"] }));
  expect(slice.entries).toMatchObject([{ environment: "env-b", action: "destroy", outcome: "done" }]);
  expect(told).toEqual(["expired env-b"]);
  expect((await store.getEnvironment(REPO, "env-b"))?.status).toBe("destroyed");
  expect((await store.getEnvironment(REPO, "env-a"))?.status).toBe("active");
});

test("a drift sweep hands every environment's check to a job; a job checks only its own", async () => {
  const dispatched: string[] = [];
  const result = await runDriftSweep(sweepInput({ dispatch: async (name) => void dispatched.push(name) }));
  expect(dispatched).toEqual(NAMES);
  expect(result.entries.every((e) => e.action === "check" && e.outcome === "queued")).toBe(true);
  expect(terraform.commands).toEqual([]);

  const slice = await runDriftSweep(sweepInput({ only: ["env-c"] }));
  expect(slice.entries.map((e) => e.environment)).toEqual(["env-c"]);
  expect(terraform.commands).toEqual([`plan ${REPO}:env-c normal`]);
});
