import type { AuditEntry } from "../core/ports/index.js";
import { firstLine } from "./run-history-text.js";
import { columns, printable } from "./terminal-text.js";

/** A detail is its first line, cut here: `--json` has the whole of it. */
export const AUDIT_DETAIL_WIDTH = 80;

/** A time to the minute, as the audit table shows it: 2026-12-01T10:00Z. */
function formatMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16)}Z`;
}


/**
 * What `envbot audit` prints: a heading and one entry a line, newest first as given, or a
 * sentence when nothing is recorded. `repository` is as people read it (see displayRepository).
 */
export function formatAuditTrail(input: { repository: string; environment?: string; entries: readonly AuditEntry[] }): string {
  const scope = input.environment !== undefined ? `${input.environment} in ${input.repository}` : input.repository;
  if (input.entries.length === 0) return `Nothing recorded in the audit trail of ${scope} yet.`;
  const header = ["TIME", "ACTOR", "SOURCE", "ACTION", "ENVIRONMENT", "OUTCOME", "DETAIL"];
  const rows = input.entries.map((entry) =>
    [formatMinute(entry.at), entry.actor, entry.source, entry.action, entry.environment ?? "-", entry.outcome, entry.detail ? firstLine(entry.detail, AUDIT_DETAIL_WIDTH) : ""].map(printable),
  );
  return [`Audit trail of ${scope}, newest first:`, ...columns([header, ...rows])].join("\n");
}

/** An entry as `audit --json` prints it, locally and remotely: the API's AuditEntry, times in ISO-8601, absent as null. */
export function auditJson(entry: AuditEntry) {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    source: entry.source,
    action: entry.action,
    repository: entry.repository,
    environment: entry.environment ?? null,
    outcome: entry.outcome,
    detail: entry.detail ?? null,
  };
}
