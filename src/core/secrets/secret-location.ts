import type { SecretReference } from "../../generated/schemas.js";

/** Where a secret reference points: the kinds of source ENVBOT_SECRETS_ALLOW names (env:, awssecret:, ssm:, file:). */
export type SecretSourceKind = "env" | "awssecret" | "ssm" | "file";

export const SECRET_SOURCE_KINDS: readonly SecretSourceKind[] = ["env", "awssecret", "ssm", "file"];

/** The definition's key for each kind of source. */
export const SECRET_SOURCE_FIELDS = {
  env: "fromEnv",
  awssecret: "fromAwsSecret",
  ssm: "fromSsm",
  file: "fromFile",
} as const satisfies Record<SecretSourceKind, keyof SecretReference>;

/** What each kind of source holds, as messages name it. */
export const SECRET_SOURCE_NOUNS: Record<SecretSourceKind, string> = {
  env: "variable",
  awssecret: "Secrets Manager secret",
  ssm: "SSM parameter",
  file: "secrets file",
};

export interface SecretLocation {
  kind: SecretSourceKind;
  /** What the allow rules match: the variable, secret name or ARN, parameter name or relative path, as written. */
  name: string;
  /** With fromAwsSecret: the JSON key to take, and the version stage or id. */
  key?: string;
  version?: string;
}

/** The one source a (schema-valid) reference names; undefined when it names none or several. */
export function secretLocation(reference: SecretReference): SecretLocation | undefined {
  const named = SECRET_SOURCE_KINDS.filter((kind) => typeof reference[SECRET_SOURCE_FIELDS[kind]] === "string");
  if (named.length !== 1) return undefined;
  const kind = named[0]!;
  const location: SecretLocation = { kind, name: reference[SECRET_SOURCE_FIELDS[kind]] as string };
  if (kind === "awssecret") {
    if (typeof reference.key === "string") location.key = reference.key;
    if (typeof reference.version === "string") location.version = reference.version;
  }
  return location;
}

/** A location as the server's messages name it (never its value). */
export function describeSecretLocation(location: Pick<SecretLocation, "kind" | "name">): string {
  switch (location.kind) {
    case "env":
      return location.name;
    default:
      return `the ${SECRET_SOURCE_NOUNS[location.kind]} ${location.name}`;
  }
}
