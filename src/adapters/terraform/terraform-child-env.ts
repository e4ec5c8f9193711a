/**
 * The environment Terraform runs with. Only what Terraform and providers need passes from the
 * server's own environment: the GitHub App key, the webhook secret and every other server
 * setting stay out of reach of template code.
 */
const PASSED_NAMES = new Set([
  "PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "PG_CONN_STR",
  "TF_CLI_CONFIG_FILE", "TF_LOG", "TF_LOG_PATH",
]);
/** Provider credentials and settings, by convention of each provider. */
const PASSED_PREFIXES = ["AWS_", "GOOGLE_", "CLOUDSDK_", "ARM_", "AZURE_"];

export function terraformChildEnv(serverEnv: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(serverEnv)) {
    if (value !== undefined && (PASSED_NAMES.has(name) || PASSED_PREFIXES.some((p) => name.startsWith(p)))) env[name] = value;
  }
  return { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", ...extra };
}
