import { createHash } from "node:crypto";
import type { SessionRecord, Store } from "../../core/ports/index.js";
import { newSession, openSession, seal, type Session } from "./session-cookie.js";

/** The id the store keeps for a session: the SHA-256 of its cookie's id, so the store alone cannot make a cookie. */
export function storedSessionId(session: Pick<Session, "id">): string {
  return createHash("sha256").update(session.id).digest("hex");
}

/** A new session for `login`: the record the store keeps, and the sealed cookie value that carries it. */
export function newSessionWithRecord(login: string, secret: string, now: Date): { session: Session; cookie: string; record: SessionRecord } {
  const session = newSession(login, now);
  return { session, cookie: seal(session, secret), record: { id: storedSessionId(session), login, createdAt: now, expiresAt: new Date(session.expiresAt) } };
}

/**
 * Starts a session for `login`: kept in the store (where signing out ends it), and the sealed
 * cookie value that carries it. Sessions that expired are forgotten on the way.
 */
export async function startSession(store: Store, login: string, secret: string, now: Date): Promise<{ session: Session; cookie: string }> {
  const { session, cookie, record } = newSessionWithRecord(login, secret, now);
  await store.pruneSessions(now);
  await store.createSession(record);
  return { session, cookie };
}

/**
 * The session a cookie carries, when it is sealed with `secret`, has not expired and the store
 * still keeps it open; undefined otherwise (ended by a sign-out anywhere, or never made here).
 */
export async function findSession(store: Store, cookie: string | undefined, secret: string | undefined, now: Date): Promise<(Session & { storedId: string }) | undefined> {
  if (secret === undefined) return undefined;
  const session = openSession(cookie, secret, now);
  if (!session) return undefined;
  const storedId = storedSessionId(session);
  const record = await store.getSession(storedId);
  if (!record || record.endedAt !== undefined || record.login !== session.login || record.expiresAt.getTime() <= now.getTime()) return undefined;
  return { ...session, storedId };
}
