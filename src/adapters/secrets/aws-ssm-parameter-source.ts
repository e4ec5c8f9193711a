import type { SSMClient } from "@aws-sdk/client-ssm";
import { SecretUnavailableError } from "../../core/ports/index.js";
import { describeSecretLocation } from "../../core/secrets/secret-location.js";
import { awsClientConfig, type AwsSettings } from "../aws/aws-client-config.js";
import { awsSecretError } from "./aws-secret-errors.js";
import type { SecretSource } from "./secret-source.js";

/**
 * Secrets from SSM Parameter Store (fromSsm), with the server's AWS settings; a SecureString is
 * decrypted. Configuration (spec.config) comes from String and StringList parameters only.
 */
export function awsSsmParameterSource(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): SecretSource {
  // Loaded at the first read: every envbot process (the CLI's --version too) builds this source,
  // few read from SSM, and the SDK takes longer to load than the rest of a CLI start.
  let client: Promise<{ ssm: typeof import("@aws-sdk/client-ssm"); client: SSMClient }> | undefined;
  const connect = () => (client ??= import("@aws-sdk/client-ssm").then((ssm) => ({ ssm, client: new ssm.SSMClient(awsClientConfig(settings, env)) })));
  const parameter = async (name: string, decrypt: boolean, what: string, label: string) => {
    try {
      const { ssm, client } = await connect();
      return (await client.send(new ssm.GetParameterCommand({ Name: name, WithDecryption: decrypt }))).Parameter;
    } catch (error) {
      throw awsSecretError(error, label, what);
    }
  };
  return {
    async read(location, secret) {
      const what = describeSecretLocation(location);
      const value = (await parameter(location.name, true, what, secret))?.Value;
      if (!value) throw new SecretUnavailableError(`secret ${secret}: ${what} has no value`);
      return value;
    },
    async readConfig(location, variable) {
      const what = describeSecretLocation(location);
      // Not decrypted: a SecureString is a secret, and plans show configuration.
      const found = await parameter(location.name, false, what, variable);
      if (found?.Type === "SecureString") {
        throw new SecretUnavailableError(`config ${variable}: ${what} is a SecureString; plans show configuration, so take it under spec.secrets`);
      }
      if (found?.Value === undefined) throw new SecretUnavailableError(`config ${variable}: ${what} has no value`);
      return found.Value;
    },
  };
}
