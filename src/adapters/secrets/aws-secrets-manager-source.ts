import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretUnavailableError } from "../../core/ports/index.js";
import { describeSecretLocation } from "../../core/secrets/secret-location.js";
import { awsClientConfig, type AwsSettings } from "../aws/aws-client-config.js";
import { awsSecretError } from "./aws-secret-errors.js";
import type { SecretSource } from "./secret-source.js";

/** A version id is a UUID; anything else names a stage (AWSCURRENT, AWSPREVIOUS, a label). */
const VERSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Secrets from AWS Secrets Manager (fromAwsSecret), with the server's AWS settings. With `key`,
 * the secret is a JSON object and the value is that key's; with `version`, that stage or id.
 */
export function awsSecretsManagerSource(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): SecretSource {
  // Loaded at the first read, as the SSM source is: most processes never read from Secrets Manager.
  let client: Promise<{ sm: typeof import("@aws-sdk/client-secrets-manager"); client: SecretsManagerClient }> | undefined;
  const connect = () =>
    (client ??= import("@aws-sdk/client-secrets-manager").then((sm) => ({ sm, client: new sm.SecretsManagerClient(awsClientConfig(settings, env)) })));
  return {
    async read(location, secret) {
      const what = describeSecretLocation(location);
      const version = location.version === undefined ? {} : VERSION_ID.test(location.version) ? { VersionId: location.version } : { VersionStage: location.version };
      let text: string | undefined;
      try {
        const { sm, client } = await connect();
        const answer = await client.send(new sm.GetSecretValueCommand({ SecretId: location.name, ...version }));
        text = answer.SecretString ?? (answer.SecretBinary && Buffer.from(answer.SecretBinary).toString("utf8"));
      } catch (error) {
        throw awsSecretError(error, secret, what);
      }
      if (!text) throw new SecretUnavailableError(`secret ${secret}: ${what} has no value`);
      if (location.key === undefined) return text;
      return valueAtKey(text, location.key, () => new SecretUnavailableError(`secret ${secret}: ${what} is not a JSON object with a text or number at the key '${location.key}'`));
    },
  };
}

/** The key's value of a JSON object; never says why parsing failed (the parser's message quotes the text). */
function valueAtKey(text: string, key: string, missing: () => Error): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw missing();
  }
  const value = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && Object.hasOwn(parsed, key) ? (parsed as Record<string, unknown>)[key] : undefined;
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw missing();
}
