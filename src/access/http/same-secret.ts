import { timingSafeEqual } from "node:crypto";

/** Whether `given` (a header, a query parameter) is `expected`, compared in constant time. */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
