import type { Store } from "../../../core/ports/index.js";
import type { AuditSource } from "./audit-source.js";

/** The audit trail of this machine's data directory. */
export function localAuditSource(store: Pick<Store, "listAudit" | "close">): AuditSource {
  return {
    listAudit: ({ repository, environment, limit }) => store.listAudit({ repositories: [repository], environment, limit }),
    close: () => store.close(),
  };
}
