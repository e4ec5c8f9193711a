/** How long one login's allowance of a repository envbot keeps no records of lasts. */
export const UNKNOWN_REPOSITORY_WINDOW_MS = 60_000;

/**
 * Which repository names a login may have GitHub asked about when envbot keeps no records of
 * them (a name typed into a path, a repository with no environment yet): one name a minute per
 * login, asked again as often as it likes within the minute. Names of recorded repositories are
 * asked about for everyone alike, so their cost grows with repositories; this keeps a login that
 * writes names at random (to learn which exist, or to spend the App's rate budget) at one lookup a minute.
 */
export interface LookupGate {
  allow(login: string, repository: string): boolean;
}

export function oneNamePerWindow(now: () => number, windowMs = UNKNOWN_REPOSITORY_WINDOW_MS): LookupGate {
  const granted = new Map<string, { at: number; repository: string }>();
  return {
    allow(login, repository) {
      const key = login.toLowerCase();
      const name = repository.toLowerCase();
      const last = granted.get(key);
      if (last !== undefined && now() - last.at < windowMs) return last.repository === name;
      granted.delete(key);
      granted.set(key, { at: now(), repository: name });
      // Oldest first: a map of at most 10,000 logins.
      if (granted.size > 10_000) granted.delete(granted.keys().next().value!);
      return true;
    },
  };
}
