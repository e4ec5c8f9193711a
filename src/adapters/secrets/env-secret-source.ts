import { SecretUnavailableError } from "../../core/ports/index.js";
import { isServerVariable } from "../server-env/server-variables.js";
import type { SecretSource } from "./secret-source.js";

/** Secrets from the server's environment variables, never one of the server's own settings or credentials. */
export function envSecretSource(env: NodeJS.ProcessEnv): SecretSource {
  return {
    refusal: ({ name }) =>
      isServerVariable(name)
        ? "it is one of the envbot server's own settings or credentials, which a definition can never read; ask whoever runs envbot for a variable of its own for this secret"
        : undefined,
    async read({ name }, secret) {
      const value = env[name];
      if (value === undefined || value === "") throw new SecretUnavailableError(`secret ${secret}: the envbot server has no environment variable ${name}`);
      return value;
    },
  };
}
