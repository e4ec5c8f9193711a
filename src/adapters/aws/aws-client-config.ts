/** The server's AWS settings (region, ENVBOT_AWS_ENDPOINT for an emulator). */
export interface AwsSettings {
  region: string;
  endpoint?: string;
}

/**
 * The configuration every AWS client of the server is built with: the settings' region and
 * endpoint; keys from the environment the command was given (the CLI's, which tests set apart
 * from this process's), else the SDK's usual chain (profiles, instance roles).
 */
export function awsClientConfig(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env) {
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }) }
      : undefined;
  return { region: settings.region, ...(settings.endpoint && { endpoint: settings.endpoint }), ...(credentials && { credentials }) };
}
