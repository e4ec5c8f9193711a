import { serverSecretProvider } from "../../adapters/secrets/server-secret-provider.js";
import type { SecretProvider } from "../../core/ports/index.js";
import { readSecretSettings } from "../../adapters/server-env/settings.js";

/** The secrets this machine's envbot would read: what `validate` checks a reference against. */
export function localSecretProvider(env: NodeJS.ProcessEnv, cwd?: string): SecretProvider {
  return serverSecretProvider(readSecretSettings(env, cwd), env);
}
