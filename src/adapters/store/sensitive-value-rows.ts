import type { SensitiveValue } from "../../core/ports/index.js";

export interface SensitiveValueRow {
  name: string;
  /** The value as JSON text. */
  value: string;
  changed_at: string | Date;
}

export function sensitiveValuesFromRows(rows: readonly SensitiveValueRow[]): Record<string, SensitiveValue> {
  return Object.fromEntries(rows.map((row) => [row.name, { value: JSON.parse(row.value) as unknown, changedAt: new Date(row.changed_at) }]));
}
