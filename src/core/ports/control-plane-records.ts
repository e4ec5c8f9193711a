/** A token for automation: only its hash is kept; it acts as its creator within its repositories. */
export interface ApiTokenRecord {
  id: number;
  /** What its creator called it ("ci deploys"). */
  name: string;
  /** The GitHub login that created it, and as whom it acts. */
  login: string;
  /** "owner/name" of each repository the token may see and act on. */
  repositories: string[];
  createdAt: Date;
  lastUsedAt?: Date;
}

/**
 * A signed-in person's session, kept on the server so that signing out ends it wherever its
 * cookie was copied. The cookie carries a random id; the store keeps only its SHA-256 (`id`).
 */
export interface SessionRecord {
  id: string;
  login: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set when it was ended (signed out, or all of the login's sessions ended). */
  endedAt?: Date;
}

/** Who did what, when, through which way in, and how it ended. Append-only. */
export interface AuditEntry {
  id: number;
  at: Date;
  /** As people read it: a GitHub login, "cli:USER", "reconciler". */
  actor: string;
  /** The way in: "api", "dashboard", "api-token", "pull-request", "comment", "cli", "reconciler". */
  source: string;
  /** What was asked: "plan", "unlock", "extend", "destroy", "request", "token.create", ... */
  action: string;
  repository: string;
  environment?: string;
  /** "accepted", "refused", "failed", or what the action produced ("pull-request #12"). */
  outcome: string;
  detail?: string;
}

export interface ControlPlaneRecords {
  /** `hash` is the SHA-256 of the token; the token itself is never stored. */
  createApiToken(token: { hash: string; name: string; login: string; repositories: readonly string[] }): Promise<ApiTokenRecord>;
  /** The token with this hash, unless it was revoked; marks it used now. */
  useApiToken(hash: string): Promise<ApiTokenRecord | undefined>;
  /** The tokens a login created and has not revoked, oldest first. */
  listApiTokens(login: string): Promise<ApiTokenRecord[]>;
  /** false when the login has no such token (or it was revoked before). */
  revokeApiToken(id: number, login: string): Promise<boolean>;

  /** Keeps a signed-in person's session; `id` is the SHA-256 of the id its cookie carries. */
  createSession(session: Omit<SessionRecord, "endedAt">): Promise<void>;
  /** The session with this id, ended or not; undefined when there is none (never made, or pruned). */
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Ends one session (sign-out); false when it had ended before or is not there. */
  endSession(id: string): Promise<boolean>;
  /** Ends every session of a login that has not ended; returns how many. */
  endSessionsOf(login: string): Promise<number>;
  /** Forgets the sessions that expired before this moment; returns how many. */
  pruneSessions(expiredBefore: Date): Promise<number>;
  /**
   * The secret kept under `name`; `generated` becomes it when there is none yet. Atomic: of
   * concurrent callers (servers of scale-out starting together) every one gets the one kept.
   */
  keepServerSecret(name: string, generated: string): Promise<string>;

  recordAudit(entry: Omit<AuditEntry, "id" | "at">): Promise<AuditEntry>;
  /** Newest first; only the given repositories (all when absent); ids below `beforeId`. */
  listAudit(query: { repositories?: readonly string[]; environment?: string; beforeId?: number; limit: number }): Promise<AuditEntry[]>;
}
