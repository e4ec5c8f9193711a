import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A signed-in person, as the session cookie carries it: no GitHub token, only which session,
 * who and until when. The session is also kept on the server (its id's hash), where it can end.
 */
export interface Session {
  /** Random; the store keeps only its SHA-256 (see server-sessions.ts). */
  id: string;
  login: string;
  /** Sent back in the X-CSRF-Token header of every state change made with this session. */
  csrf: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export const SESSION_COOKIE = "envbot_session";
export const OAUTH_STATE_COOKIE = "envbot_oauth_state";
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export function newSession(login: string, now: Date): Session {
  return { id: randomBytes(24).toString("base64url"), login, csrf: randomBytes(24).toString("base64url"), expiresAt: now.getTime() + SESSION_TTL_MS };
}

/** `payload.signature`: the payload is readable (it holds nothing secret) and cannot be changed. */
export function seal(value: unknown, secret: string): string {
  const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${payload}.${sign(payload, secret)}`;
}

/** The value sealed with `secret`, or undefined when the text was not (changed, or another secret). */
export function unseal(text: string, secret: string): unknown {
  const dot = text.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const payload = text.slice(0, dot);
  // Compared as text: base64 has several spellings of the same bytes, and only ours is accepted.
  const given = Buffer.from(text.slice(dot + 1));
  const expected = Buffer.from(sign(payload, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

export function openSession(text: string | undefined, secret: string, now: Date): Session | undefined {
  if (text === undefined) return undefined;
  const session = unseal(text, secret) as Partial<Session> | undefined;
  if (typeof session?.id !== "string" || typeof session.login !== "string" || typeof session.csrf !== "string" || typeof session.expiresAt !== "number") return undefined;
  return session.expiresAt > now.getTime() ? (session as Session) : undefined;
}

function sign(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}

/** The cookies of a request, by name (the first of each name). */
export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return cookies;
}

/**
 * A Set-Cookie value: HttpOnly (no script reads it), SameSite=Lax (not sent with another site's
 * POST; sent when GitHub's sign-in redirects back) unless `sameSite` says Strict (never sent
 * from another site's page at all: `envbot ui`, whose sign-in never comes from another site),
 * Secure when served over https.
 */
export function cookie(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean; sameSite?: "Lax" | "Strict" }): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=${options.sameSite ?? "Lax"}; Max-Age=${options.maxAgeSeconds}${options.secure ? "; Secure" : ""}`;
}
