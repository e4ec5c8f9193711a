import { envSecretProvider } from "../../adapters/secrets/env-secret-provider.js";
import type { SecretProvider } from "../../core/ports/index.js";
import { readSecretsAllow } from "../../adapters/server-env/settings.js";

/** The secrets this machine's envbot would read: what `validate` checks a fromEnv against. */
export function localSecretProvider(env: NodeJS.ProcessEnv): SecretProvider {
  return envSecretProvider(env, readSecretsAllow(env));
}
