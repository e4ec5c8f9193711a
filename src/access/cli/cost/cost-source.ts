import type { CostGrouping, MonthlyCostReport } from "../../../core/cost/index.js";

/**
 * Where `envbot cost` reads the run history it charges for: this machine's store, or a remote
 * envbot's API. The command is written once, over this; both answer the same report.
 */
export interface CostSource {
  /**
   * The chargeback of `month` (else the source's current month, UTC: a server's own clock)
   * grouped `by`, over `repository`'s environments, else every one the source shows (the data
   * directory's; a server's that the token may read).
   */
  report(query: { month?: string; by: CostGrouping; repository?: string }): Promise<MonthlyCostReport>;
  close(): Promise<void>;
}
