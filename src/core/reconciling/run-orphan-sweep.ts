import { findOrphans, type Orphan } from "../inventory/index.js";
import type { EnvironmentRecord, OrphanReporter, Store, TaggedResourceSource } from "../ports.js";
import { readRepositoryConfig } from "../validation/read-repository-config.js";
import type { SweepEntry, SweepInput, SweepResult } from "./reconcile-types.js";

export interface OrphanSweepInput extends Pick<SweepInput, "repository" | "files" | "now" | "dryRun" | "onProgress"> {
  store: Pick<Store, "listEnvironments" | "listInventory" | "recordOrphanSweep">;
  tagged: TaggedResourceSource;
  reporter: OrphanReporter;
}

/** An environment in the middle of an apply or destroy has resources its inventory does not list yet. */
const BUSY = new Set(["applying", "destroying"]);

/**
 * The repository's environments, and the resources the tag index holds for it that none of their
 * inventories holds (see findOrphans). What the sweep and `envbot orphans` in a checkout share.
 */
export async function repositoryOrphans(input: { store: Pick<Store, "listEnvironments" | "listInventory">; tagged: TaggedResourceSource; repository: string }): Promise<{ environments: EnvironmentRecord[]; orphans: Orphan[] }> {
  const { store, repository } = input;
  const environments = await store.listEnvironments(repository);
  const inventories = await Promise.all(environments.map((e) => store.listInventory(repository, e.name)));
  return { environments, orphans: findOrphans(repository, await input.tagged.listTagged(repository), inventories) };
}

/**
 * Lists the cloud resources tagged for the repository's environments that no environment's state
 * holds (a failed destroy left them, or someone made them by hand), records what it found for
 * the API, reports them once per environment, and closes the reports of environments with
 * nothing left behind. Never deletes anything.
 */
export async function runOrphanSweep(input: OrphanSweepInput): Promise<SweepResult> {
  const { store, repository, reporter } = input;
  const { config } = await readRepositoryConfig(input.files);
  input.onProgress?.(`${repository}: asking ${input.tagged.region}'s tag index for resources tagged envbot:repository=${repository}`);
  const { environments, orphans: tagged } = await repositoryOrphans(input);
  const busy = new Set(environments.filter((e) => BUSY.has(e.status)).map((e) => e.name));
  // Busy environments are looked at by the next sweep, once their inventory is written.
  const orphans = tagged.filter((orphan) => !busy.has(orphan.environment));

  const byEnvironment = new Map<string, Orphan[]>();
  for (const orphan of orphans) byEnvironment.set(orphan.environment, [...(byEnvironment.get(orphan.environment) ?? []), orphan]);
  const entries: SweepEntry[] = [...busy].map((environment) => ({ environment, action: "none", detail: "an apply or destroy is running: the next sweep looks" }));
  if (input.dryRun) {
    for (const [environment, found] of byEnvironment) entries.push({ environment, action: "orphans", detail: describe(found) });
    return { kind: "orphans", repository, dryRun: true, config, entries };
  }

  await store.recordOrphanSweep({ repository, sweptAt: input.now, region: input.tagged.region, orphans });
  for (const [environment, found] of byEnvironment) {
    const owner = environments.find((e) => e.name === environment)?.owner;
    const { where } = await reporter.orphansFound({ repository, environment, region: input.tagged.region, orphans: found, ...(owner !== undefined && { owner }) });
    entries.push({ environment, action: "orphans", outcome: "done", detail: where ? `${describe(found)} (${where})` : describe(found) });
  }
  for (const environment of await reporter.orphansReported()) {
    if (byEnvironment.has(environment) || busy.has(environment)) continue;
    await reporter.orphansResolved({ repository, environment });
    entries.push({ environment, action: "orphans-resolved", outcome: "done" });
  }
  return { kind: "orphans", repository, dryRun: false, config, entries };
}

function describe(orphans: readonly Orphan[]): string {
  return `${orphans.length} resource(s) tagged for it in no environment's state`;
}
