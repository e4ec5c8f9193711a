import type { AuditEntry } from "../../../core/ports/index.js";

/**
 * Where `envbot audit` reads the audit trail: this machine's store, or a remote envbot's API.
 * The command is written once, over this.
 */
export interface AuditSource {
  /** The repository's entries (only `environment`'s when given), newest first, at most `limit`. */
  listAudit(query: { repository: string; environment?: string; limit: number }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
