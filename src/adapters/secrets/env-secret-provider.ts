import { SecretUnavailableError, type SecretProvider } from "../../core/ports.js";
import type { SecretReference } from "../../generated/schemas.js";

/**
 * Names a definition may never read through fromEnv, whatever the allow list says: the server's
 * own credentials. A pull request must not be able to route them into a template.
 */
const NEVER_READABLE = [/^ENVBOT_/, /^GITHUB_/, /^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|WEBHOOK_PROXY_URL)$/, /^(AWS|GOOGLE|ARM|AZURE|TF)_/, /^PG[A-Z]+$/, /^(DATABASE_URL|PATH|HOME|NODE_OPTIONS)$/];

/**
 * Secrets from the server's environment variables. `allow` holds glob patterns (`*` wildcard) of
 * the variable names definitions may read (ENVBOT_SECRETS_ALLOW); the default allows any name
 * not in the never-readable list.
 */
export function envSecretProvider(env: NodeJS.ProcessEnv, allow: readonly string[] = ["*"]): SecretProvider {
  const allowed = allow.map((glob) => new RegExp(`^${glob.split("*").map(escape).join(".*")}$`));
  return {
    async resolve(name: string, reference: SecretReference): Promise<string> {
      const variable = reference.fromEnv;
      if (NEVER_READABLE.some((p) => p.test(variable)) || !allowed.some((p) => p.test(variable))) {
        throw new SecretUnavailableError(`secret ${name}: the envbot server does not allow reading ${variable} (see ENVBOT_SECRETS_ALLOW)`);
      }
      const value = env[variable];
      if (value === undefined || value === "") {
        throw new SecretUnavailableError(`secret ${name}: the envbot server has no environment variable ${variable}`);
      }
      return value;
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
