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
  /** More sensitive inputs of the run (its certificates): their variables join the values, their secrets the redactor. */
  more: { variables: Record<string, string>; secrets: string[] } = { variables: {}, secrets: [] },
): Promise<{ values: Record<string, string>; redact: Redact }> {
  const values: Record<string, string> = { ...more.variables };
  const hidden = [...more.secrets];
  for (const [name, reference] of Object.entries(environment.secrets)) {
    values[name] = await provider.resolve(name, reference, repository);
    hidden.push(values[name]);
  }
  known?.add(hidden);
  return { values, redact: createRedactor(hidden) };
}
