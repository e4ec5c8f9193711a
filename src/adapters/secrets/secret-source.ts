import type { SecretLocation } from "../../core/secrets/secret-location.js";

/** One place secrets are read from (environment, Secrets Manager, SSM, a mounted directory). */
export interface SecretSource {
  /** Why this source never reads `location`, whatever ENVBOT_SECRETS_ALLOW says; checked before the allow rules. */
  refusal?(location: SecretLocation): string | undefined;
  /** The value; throws SecretUnavailableError with a reason that never holds the value. */
  read(location: SecretLocation, secret: string): Promise<string>;
  /** A configuration value (plans show it): refused when the source keeps it as a secret. Only sources that hold configuration have it. */
  readConfig?(location: SecretLocation, variable: string): Promise<string>;
}
