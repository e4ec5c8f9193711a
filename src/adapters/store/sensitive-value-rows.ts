import type { SensitiveValue } from "../../core/ports/index.js";

export interface SensitiveValueRow {
  name: string;
  /** The value as JSON text. */
  value: string;
  changed_at: string | Date;
}

/**
 * After `INSERT INTO sensitive_values VALUES (...)`, in both stores: a value kept again unchanged
 * keeps when it changed (the drift check compares that, never the value).
 */
export const SENSITIVE_VALUE_UPSERT =
  "ON CONFLICT (repository, environment, kind, name) DO UPDATE SET changed_at = CASE WHEN sensitive_values.value = excluded.value THEN sensitive_values.changed_at ELSE excluded.changed_at END, value = excluded.value";

export function sensitiveValuesFromRows(rows: readonly SensitiveValueRow[]): Record<string, SensitiveValue> {
  return Object.fromEntries(rows.map((row) => [row.name, { value: JSON.parse(row.value) as unknown, changedAt: new Date(row.changed_at) }]));
}
