import type { ConfigReference, SecretReference } from "../../generated/schemas.js";

export interface SecretProvider {
  /**
   * Why the server would refuse to read this reference for `repository` (a source or name not
   * allowed, one of its own credentials, a path out of its secrets directory), or undefined when
   * it may. Never names the value; validation reports it early. Without a repository only the
   * rules for every repository apply.
   */
  refusal(reference: SecretReference, repository?: string): string | undefined;
  /** The secret's value; throws SecretUnavailableError with a readable reason when it has none. */
  resolve(name: string, reference: SecretReference, repository?: string): Promise<string>;
  /**
   * A configuration value (spec.config) for variable `name`: allowed by the same rules as a secret
   * from its source, refused when the source keeps it as a secret (an SSM SecureString).
   */
  resolveConfig(name: string, reference: ConfigReference, repository?: string): Promise<string>;
}

export class SecretUnavailableError extends Error {
  override name = "SecretUnavailableError";
}
