import type { SSMClient } from "@aws-sdk/client-ssm";
import { SecretUnavailableError } from "../../core/ports/index.js";
import { describeSecretLocation } from "../../core/secrets/secret-location.js";
import { awsClientConfig, type AwsSettings } from "../aws/aws-client-config.js";
import { awsSecretError } from "./aws-secret-errors.js";
import type { SecretSource } from "./secret-source.js";

/** Secrets from SSM Parameter Store (fromSsm), with the server's AWS settings; a SecureString is decrypted. */
export function awsSsmParameterSource(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): SecretSource {
  // Loaded at the first read: every envbot process (the CLI's --version too) builds this source,
  // few read from SSM, and the SDK takes longer to load than the rest of a CLI start.
  let client: Promise<{ ssm: typeof import("@aws-sdk/client-ssm"); client: SSMClient }> | undefined;
  const connect = () => (client ??= import("@aws-sdk/client-ssm").then((ssm) => ({ ssm, client: new ssm.SSMClient(awsClientConfig(settings, env)) })));
  return {
    async read(location, secret) {
      const what = describeSecretLocation(location);
      let value: string | undefined;
      try {
        const { ssm, client } = await connect();
        value = (await client.send(new ssm.GetParameterCommand({ Name: location.name, WithDecryption: true }))).Parameter?.Value;
      } catch (error) {
        throw awsSecretError(error, secret, what);
      }
      if (!value) throw new SecretUnavailableError(`secret ${secret}: ${what} has no value`);
      return value;
    },
  };
}
