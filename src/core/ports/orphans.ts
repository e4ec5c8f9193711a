import type { Orphan, TaggedResource } from "../inventory/index.js";

/** One orphan sweep of a repository: when it looked, in which region, and what it found. */
export interface OrphanSweepRecord {
  repository: string;
  sweptAt: Date;
  region: string;
  orphans: Orphan[];
}

/** The cloud's index of tagged resources (AWS: the Resource Groups Tagging API of envbot's region). */
export interface TaggedResourceSource {
  region: string;
  /** Every resource carrying `envbot:repository=<repository>`. */
  listTagged(repository: string): Promise<TaggedResource[]>;
}

/** Resources tagged for one environment that no environment's state holds. */
export interface OrphanReport {
  repository: string;
  environment: string;
  /** The environment's owner, when envbot knows the environment. */
  owner?: string;
  region: string;
  orphans: Orphan[];
}

/** Where the orphan sweep tells owners what it found (GitHub: one issue per environment). */
export interface OrphanReporter {
  /** Opens the environment's report or updates it; says where, for the sweep's log. */
  orphansFound(report: OrphanReport): Promise<{ where?: string }>;
  /** The environments an open report names (reports are found again, not remembered). */
  orphansReported(): Promise<string[]>;
  /** Nothing of the environment is left behind any more: closes its report. */
  orphansResolved(notice: { repository: string; environment: string }): Promise<void>;
}
