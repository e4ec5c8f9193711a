import type { SecretReference } from "../../generated/schemas.js";
import { SecretUnavailableError, type SecretProvider } from "../../core/ports/index.js";
import { allowedPatterns, formatSecretAllowRule, isSecretAllowed, type SecretAllowRules } from "../../core/secrets/secret-allow-rules.js";
import { describeSecretLocation, SECRET_SOURCE_NOUNS, secretLocation, type SecretLocation, type SecretSourceKind } from "../../core/secrets/secret-location.js";
import type { SecretSource } from "./secret-source.js";

/**
 * The server's secrets: each reference goes to the source it names, once the operator's allow
 * rules let this repository read it there. `unconfigured` says why a source the server lacks
 * (no ENVBOT_SECRETS_DIR) reads nothing.
 */
export function composeSecretProvider(input: {
  sources: Partial<Record<SecretSourceKind, SecretSource>>;
  allow: SecretAllowRules;
  unconfigured?: Partial<Record<SecretSourceKind, string>>;
}): SecretProvider {
  const { sources, allow } = input;

  function refusal(location: SecretLocation | undefined, repository: string | undefined): string | undefined {
    if (!location) return "a secret comes from exactly one source: fromEnv, fromAwsSecret, fromSsm or fromFile";
    const source = sources[location.kind];
    if (!source) return input.unconfigured?.[location.kind] ?? `this envbot server reads no ${SECRET_SOURCE_NOUNS[location.kind]}s`;
    const inherent = source.refusal?.(location);
    if (inherent) return inherent;
    if (isSecretAllowed(allow, repository, location.kind, location.name)) return undefined;
    const patterns = allowedPatterns(allow, repository, location.kind);
    if (allow.rules.length === 0) {
      return `the envbot server lets definitions read no ${SECRET_SOURCE_NOUNS[location.kind]} yet (ENVBOT_SECRETS_ALLOW is empty); whoever runs envbot can allow this one there`;
    }
    if (patterns.length === 0) {
      const prefix = location.kind === "env" ? "" : `${location.kind}:`;
      return `the server's ENVBOT_SECRETS_ALLOW lets ${repository ?? "this repository"} read no ${SECRET_SOURCE_NOUNS[location.kind]} (no ${prefix}PATTERN for it); whoever runs envbot can allow this one there`;
    }
    return `it matches none of the server's ENVBOT_SECRETS_ALLOW patterns (${patterns.map(formatSecretAllowRule).join(", ")}); whoever runs envbot can allow it there`;
  }

  /** Where `reference` points, when this server lets the repository read it; otherwise a SecretUnavailableError saying why, for `what` ("secret NAME", "config NAME"). */
  function allowedLocation(what: string, reference: SecretReference, repository: string | undefined): SecretLocation {
    const location = secretLocation(reference);
    const refused = refusal(location, repository);
    if (refused || !location) {
      const where = location ? describeSecretLocation(location) : "this reference";
      throw new SecretUnavailableError(`${what}: the envbot server does not let definitions read ${where}: ${refused}`);
    }
    return location;
  }

  return {
    refusal: (reference, repository) => refusal(secretLocation(reference), repository),
    async resolve(name, reference, repository) {
      const location = allowedLocation(`secret ${name}`, reference, repository);
      return sources[location.kind]!.read(location, name);
    },
    async resolveConfig(name, reference, repository) {
      const location = allowedLocation(`config ${name}`, reference, repository);
      const source = sources[location.kind]!;
      if (!source.readConfig) throw new SecretUnavailableError(`config ${name}: ${describeSecretLocation(location)} holds no configuration`);
      return source.readConfig(location, name);
    },
  };
}
