import type { AuditEntry } from "../../../core/ports/index.js";
import type { ApiPage } from "../remote/api-records.js";
import type { EnvbotApi } from "../remote/envbot-api-client.js";
import type { AuditSource } from "./audit-source.js";

/** The API's largest page (src/access/api/api-request.ts: MAX_PAGE_SIZE). */
const AUDIT_PAGE = 100;

/** An item of GET /api/v1/audit (src/access/api/openapi-document.ts: AuditEntry). */
export interface ApiAuditEntry {
  id: number;
  at: string;
  actor: string;
  source: string;
  action: string;
  repository: string;
  environment: string | null;
  outcome: string;
  detail: string | null;
}

export function auditFromApi(item: ApiAuditEntry): AuditEntry {
  return {
    id: item.id,
    at: new Date(item.at),
    actor: item.actor,
    source: item.source,
    action: item.action,
    repository: item.repository,
    ...(item.environment !== null ? { environment: item.environment } : {}),
    outcome: item.outcome,
    ...(item.detail !== null ? { detail: item.detail } : {}),
  };
}

/** The audit trail a remote envbot keeps, page after page until `limit`. */
export function remoteAuditSource(api: EnvbotApi): AuditSource {
  return {
    async listAudit({ repository, environment, limit }) {
      const items: ApiAuditEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get<ApiPage<ApiAuditEntry>>("/api/v1/audit", { repository, environment, limit: Math.min(limit - items.length, AUDIT_PAGE), cursor });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && items.length < limit);
      return items.slice(0, limit).map(auditFromApi);
    },
    close: async () => undefined,
  };
}
