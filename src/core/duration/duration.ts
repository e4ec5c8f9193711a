import { environmentSchema } from "../../generated/schemas.js";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration as the schema writes spec.ttl: a whole number and m, h or d ("72h"). */
export const DURATION_PATTERN = new RegExp(environmentSchema.$defs.spec.properties.ttl.pattern);

/** Whether `text` is a duration like 30m, 72h or 7d (what parseDuration takes). */
export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/** "72h" -> milliseconds. Input has passed the schema's duration pattern. */
export function parseDuration(text: string): number {
  const unit = text.slice(-1) as keyof typeof UNIT_MS;
  return Number(text.slice(0, -1)) * UNIT_MS[unit];
}
