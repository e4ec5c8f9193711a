const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "72h" -> milliseconds. Input has passed the schema's duration pattern. */
export function parseDuration(text: string): number {
  const unit = text.slice(-1) as keyof typeof UNIT_MS;
  return Number(text.slice(0, -1)) * UNIT_MS[unit];
}
