import type { Environment } from "../environment/index.js";
import type { SecretProvider } from "../ports/index.js";
import type { KnownSecrets } from "../secrets/known-secrets.js";
import { createRedactor, type Redact } from "../secrets/redactor.js";

/**
 * The values of an environment's secrets, whatever source each comes from, and the redactor that
 * hides them from every text; every value joins the known secrets the same way.
 */
export async function resolveSecrets(
  environment: Environment,
  provider: SecretProvider,
  repository: string,
  known?: KnownSecrets,
): Promise<{ values: Record<string, string>; redact: Redact }> {
  const values: Record<string, string> = {};
  for (const [name, reference] of Object.entries(environment.secrets)) {
    values[name] = await provider.resolve(name, reference, repository);
  }
  known?.add(Object.values(values));
  return { values, redact: createRedactor(Object.values(values)) };
}
