import type { SecretProvider } from "../../core/ports/index.js";
import type { SecretAllowRules } from "../../core/secrets/secret-allow-rules.js";
import { composeSecretProvider } from "./compose-secret-provider.js";
import { envSecretSource } from "./env-secret-source.js";

/**
 * Secrets from the server's environment variables alone, secure by default: a definition reads
 * only the names the operator allows (`allow`: env globs, or parsed ENVBOT_SECRETS_ALLOW rules;
 * empty allows none), and never one of the server's own settings or credentials.
 */
export function envSecretProvider(env: NodeJS.ProcessEnv, allow: readonly string[] | SecretAllowRules = []): SecretProvider {
  const rules = Array.isArray(allow) ? { rules: allow.map((pattern) => ({ source: "env" as const, pattern })) } : (allow as SecretAllowRules);
  return composeSecretProvider({ sources: { env: envSecretSource(env) }, allow: rules });
}
