import { domainEvent, type DomainEvent } from "../events/domain-event.js";
import { findOrphans, type Orphan } from "../inventory/index.js";
import type { EnvironmentRecord, OrphanReporter, Store, TaggedResourceSource } from "../ports/index.js";
import { readRepositoryConfig } from "../validation/read-repository-config.js";
import type { SweepEntry, SweepInput, SweepResult } from "./reconcile-types.js";

export interface OrphanSweepInput extends Pick<SweepInput, "repository" | "files" | "now" | "dryRun" | "onProgress"> {
  store: Pick<Store, "listEnvironments" | "listInventory" | "recordOrphanSweep" | "listOrphanSweeps" | "appendEvents">;
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

  const previous = (await store.listOrphanSweeps([repository]))[0]?.orphans ?? [];
  // Written before the sweep is recorded: a crash between the two tells it again (at least once), never not at all.
  await store.appendEvents(orphanEvents(repository, previous, byEnvironment, busy, input.tagged.region, input.now));
  // A busy environment keeps what the previous sweep found for it until a sweep looks again.
  const carried = previous.filter((orphan) => busy.has(orphan.environment));
  await store.recordOrphanSweep({ repository, sweptAt: input.now, region: input.tagged.region, orphans: [...orphans, ...carried] });
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

/** The most ARNs an orphans-found event carries: the issue and the API list them all. */
const EVENT_ARNS = 20;

/**
 * Events for what changed since the previous sweep: an environment whose left-behind resources
 * are new or different (orphans-found), one whose are all gone (orphans-resolved). The same
 * finding sweep after sweep is no news.
 */
function orphanEvents(repository: string, previous: readonly Orphan[], current: ReadonlyMap<string, Orphan[]>, busy: ReadonlySet<string>, region: string, now: Date): DomainEvent[] {
  const before = new Map<string, string[]>();
  for (const orphan of previous) before.set(orphan.environment, [...(before.get(orphan.environment) ?? []), orphan.arn]);
  const events: DomainEvent[] = [];
  for (const [environment, found] of current) {
    const arns = found.map((o) => o.arn).sort();
    const was = (before.get(environment) ?? []).sort();
    if (was.length === arns.length && was.every((arn, i) => arn === arns[i])) continue;
    events.push(domainEvent({ type: "orphans-found", repository, environment, actor: "reconciler", region, count: arns.length, arns: arns.slice(0, EVENT_ARNS) }, now));
  }
  for (const environment of before.keys()) {
    if (!current.has(environment) && !busy.has(environment)) events.push(domainEvent({ type: "orphans-resolved", repository, environment, actor: "reconciler" }, now));
  }
  return events;
}
