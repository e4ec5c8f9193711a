import { createHash, randomBytes } from "node:crypto";

/** What every envbot API token starts with: secret scanners (and people) can tell what it is. */
export const API_TOKEN_PREFIX = "envbot_";

/** A new token: shown to its creator once; only its hash is kept. */
export function newApiToken(): { token: string; hash: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
