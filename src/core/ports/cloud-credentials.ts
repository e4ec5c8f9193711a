import type { RunIdentity } from "../credentials/cloud-roles.js";

/** Credentials one Terraform run gets in place of the server's own. */
export interface RunCloudCredentials {
  /** Terraform's cloud variables (AWS_ACCESS_KEY_ID ...): the server's own are withheld. */
  env: Record<string, string>;
  /** Values no text may show: the session's secret key and token. */
  secretValues: string[];
  /** For the audit trail: the role and how it was had, never a key. */
  description: string;
}

/**
 * Short-lived cloud credentials per run (STS AssumeRole, or AssumeRoleWithWebIdentity with a
 * token envbot issues). Refusals (a role the operator does not allow, no role where one is
 * required) throw ConfigurationError; a role STS would not give, ProviderError.
 */
export interface CloudCredentials {
  /**
   * What a run gets: undefined when it runs with the server's own environment as before (no role
   * named, and the operator lets Terraform have the server's credentials).
   */
  forRun(run: RunIdentity, role: string | undefined, needs: { aws: boolean }): Promise<RunCloudCredentials | undefined>;
}
