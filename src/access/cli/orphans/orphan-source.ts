import type { OrphanSweepRecord } from "../../../core/ports/index.js";

/**
 * Where `envbot orphans` learns what is left behind: this machine asking the cloud now, or a
 * remote envbot's record of its latest orphan sweeps. The command is written once, over this.
 */
export interface OrphanSource {
  /**
   * True when the findings are sweeps the server ran earlier (shown as of their time, with the
   * repositories never swept); false when the cloud was asked just now, for one repository.
   */
  readonly recorded: boolean;
  /**
   * What each repository asked about had left behind when it was last looked at, by
   * repository; `unswept`, those of them no sweep has looked at yet (schedules.orphans is opt-in).
   */
  sweeps(): Promise<{ sweeps: OrphanSweepRecord[]; unswept: string[] }>;
  close(): Promise<void>;
}
