import type { FoundResourceView, InventoryView } from "../../../render/inventory-text.js";

/**
 * Where `envbot inventory` and `envbot find` read the resources environments hold: this
 * machine's store, or a remote envbot's API. The commands are written once, over this, and read
 * the API's shapes from both.
 */
export interface InventorySource {
  /** The environment's resources and their graph; a CommandFailure when there is no such environment (or it is not visible). */
  inventory(repository: string, environment: string): Promise<InventoryView>;
  /**
   * Resources answering `query` (see matchResource), at most `limit`: of `repository`, else of
   * every repository the source shows (a server: those the token may read).
   */
  find(query: string, options: { repository?: string; limit: number }): Promise<FoundResourceView[]>;
  close(): Promise<void>;
}
