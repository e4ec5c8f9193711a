import { SecretUnavailableError, type SecretProvider } from "../../core/ports/index.js";
import type { SecretReference } from "../../generated/schemas.js";
import { isServerVariable } from "../server-env/server-variables.js";

/**
 * Secrets from the server's environment variables, secure by default: a definition reads only
 * the names the operator allows (`allow`: ENVBOT_SECRETS_ALLOW, `*` globs; empty allows none),
 * and never one of the server's own settings or credentials, whatever the allow list says.
 */
export function envSecretProvider(env: NodeJS.ProcessEnv, allow: readonly string[] = []): SecretProvider {
  const allowed = allow.map((glob) => new RegExp(`^${glob.split("*").map(escape).join(".*")}$`));

  function refusal(variable: string): string | undefined {
    if (isServerVariable(variable)) {
      return "it is one of the envbot server's own settings or credentials, which a definition can never read; ask whoever runs envbot for a variable of its own for this secret";
    }
    if (allowed.length === 0) {
      return "the envbot server lets definitions read no variable yet (ENVBOT_SECRETS_ALLOW is empty); whoever runs envbot can allow this one there";
    }
    if (!allowed.some((p) => p.test(variable))) {
      return `it matches none of the server's ENVBOT_SECRETS_ALLOW patterns (${allow.join(", ")}); whoever runs envbot can allow it there`;
    }
    return undefined;
  }

  return {
    refusal: (reference) => refusal(reference.fromEnv),
    async resolve(name: string, reference: SecretReference): Promise<string> {
      const variable = reference.fromEnv;
      const refused = refusal(variable);
      if (refused) throw new SecretUnavailableError(`secret ${name}: the envbot server does not let definitions read ${variable}: ${refused}`);
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
