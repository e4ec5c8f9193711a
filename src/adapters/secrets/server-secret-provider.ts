import type { SecretProvider } from "../../core/ports/index.js";
import type { SecretAllowRules } from "../../core/secrets/secret-allow-rules.js";
import type { AwsSettings } from "../aws/aws-client-config.js";
import { awsSecretsManagerSource } from "./aws-secrets-manager-source.js";
import { awsSsmParameterSource } from "./aws-ssm-parameter-source.js";
import { composeSecretProvider } from "./compose-secret-provider.js";
import { envSecretSource } from "./env-secret-source.js";
import { fileSecretSource } from "./file-secret-source.js";

/**
 * Every secret source the server has, behind its allow rules: its environment, AWS Secrets
 * Manager and SSM Parameter Store (with the server's AWS settings), and the secrets directory
 * when ENVBOT_SECRETS_DIR names one.
 */
export function serverSecretProvider(
  settings: { secretsAllow: SecretAllowRules; secretsDir?: string; aws: AwsSettings },
  env: NodeJS.ProcessEnv,
): SecretProvider {
  return composeSecretProvider({
    allow: settings.secretsAllow,
    sources: {
      env: envSecretSource(env),
      awssecret: awsSecretsManagerSource(settings.aws, env),
      ssm: awsSsmParameterSource(settings.aws, env),
      ...(settings.secretsDir !== undefined && { file: fileSecretSource(settings.secretsDir) }),
    },
    unconfigured: { file: "this envbot server mounts no secrets directory (ENVBOT_SECRETS_DIR is not set); whoever runs envbot can set it" },
  });
}
