import type { Environment, Lifetime } from "../environment/index.js";

/**
 * When an environment expires: ttl counts from its first successful apply (`basis` for an
 * environment not applied yet), expiresAt is absolute, and neither means never.
 */
export function expiryOf(lifetime: Lifetime, basis: Date): Date | undefined {
  switch (lifetime.kind) {
    case "ttl":
      return new Date(basis.getTime() + lifetime.ms);
    case "expiresAt":
      return lifetime.at;
    case "unlimited":
      return undefined;
  }
}

/** The tags every resource of an environment carries (AWS: provider default_tags). */
export function standardTags(input: { environment: Environment; repository: string; expiresAt: Date | undefined }): Record<string, string> {
  return {
    "envbot:environment": input.environment.name,
    "envbot:owner": input.environment.owner,
    "envbot:expires-at": input.expiresAt ? input.expiresAt.toISOString() : "never",
    "envbot:repository": input.repository,
  };
}

/** Truncated to the second, so the same environment always gets the same tag value. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
