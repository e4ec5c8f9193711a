import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "envbot-signature";
/** How far a delivery's time may be from the receiver's clock before it counts as a replay. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Signs a webhook body: the timestamp is signed with the body, so a captured request cannot be
 * sent again later (the receiver checks the time) nor changed (the signature no longer holds).
 */
export function signWebhookBody(body: string, secret: string, now: Date): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, `${timestamp}.${body}`)}`;
}

export type SignatureCheck = { valid: true; timestamp: number } | { valid: false; reason: "missing" | "malformed" | "mismatch" | "too-old" };

/**
 * The check a receiver runs (docs/notifications.md): the header parses, the HMAC of
 * "<t>.<raw body>" with the shared secret equals v1 (compared in constant time), and t is within
 * the tolerance of the receiver's clock. Run it on the raw body, before parsing it.
 */
export function verifyWebhookSignature(input: { body: string; header: string | undefined; secret: string; now: Date; toleranceSeconds?: number }): SignatureCheck {
  if (!input.header) return { valid: false, reason: "missing" };
  const parts = new Map(input.header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const timestamp = Number(parts.get("t"));
  const signature = parts.get("v1");
  if (!Number.isInteger(timestamp) || !signature || !/^[0-9a-f]{64}$/.test(signature)) return { valid: false, reason: "malformed" };
  const expected = Buffer.from(hmac(input.secret, `${timestamp}.${input.body}`), "hex");
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) return { valid: false, reason: "mismatch" };
  const skew = Math.abs(input.now.getTime() / 1000 - timestamp);
  if (skew > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { valid: false, reason: "too-old" };
  return { valid: true, timestamp };
}

function hmac(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("hex");
}
