import type { SecretReference } from "../../generated/schemas.js";

export interface SecretProvider {
  /**
   * Why the server would refuse to read this reference (not allowed, or one of its own
   * credentials), or undefined when it may. Never names the value; validation reports it early.
   */
  refusal(reference: SecretReference): string | undefined;
  /** The secret's value; throws SecretUnavailableError with a readable reason when it has none. */
  resolve(name: string, reference: SecretReference): Promise<string>;
}

export class SecretUnavailableError extends Error {
  override name = "SecretUnavailableError";
}
