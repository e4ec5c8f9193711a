/**
 * Revocations this process made (a token revoked, a session ended), told to whoever holds
 * access open on them: a live log stream re-authorizes at once instead of at its next check.
 * The store stays the truth; this is only "look now". Another process's revocations are seen
 * at the stream's next periodic check.
 */
export interface Revocations {
  /** Something was revoked; every listener re-checks. */
  announce(): void;
  /** Calls `listener` on each revocation until the returned function is called. */
  listen(listener: () => void): () => void;
}

export function createRevocations(): Revocations {
  const listeners = new Set<() => void>();
  return {
    announce() {
      for (const listener of [...listeners]) listener();
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
