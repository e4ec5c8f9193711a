/**
 * The server's own environment variables, in one place: what envbot passes to Terraform, and what
 * a definition may therefore never read through `fromEnv`. Keeping both lists here means a name
 * added for Terraform is closed to definitions in the same edit.
 */

/** Passed from envbot's environment to Terraform's: what Terraform and providers need to run. */
export const TERRAFORM_PASSED_NAMES: ReadonlySet<string> = new Set([
  "PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "PG_CONN_STR",
  "TF_CLI_CONFIG_FILE", "TF_LOG", "TF_LOG_PATH",
  // The Go runtime of Terraform and its providers: GOGC=400 cut the aws provider's CPU per plan by
  // a third on a 2-core machine, for about 40% more memory; an operator chooses.
  "GOGC", "GOMEMLIMIT",
]);

/** Provider credentials and settings, by each provider's convention: passed to Terraform too. */
export const TERRAFORM_PASSED_PREFIXES: readonly string[] = ["AWS_", "GOOGLE_", "CLOUDSDK_", "ARM_", "AZURE_"];

/**
 * AWS_ variables that set where and how the SDKs call AWS, not who they are: a run with its own
 * short-lived credentials keeps these and loses every other AWS_ variable of the server (keys,
 * profiles and config files, web identity and container credentials).
 */
const AWS_SETTINGS_WITHOUT_IDENTITY: ReadonlySet<string> = new Set([
  "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
  "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL",
]);

/** Whether `name` can give an AWS identity (a key, a profile, a token file): withheld from a run with credentials of its own. */
export function carriesAwsIdentity(name: string): boolean {
  return name.startsWith("AWS_") && !AWS_SETTINGS_WITHOUT_IDENTITY.has(name) && !name.startsWith("AWS_ENDPOINT_URL_");
}

export function passesToTerraform(name: string): boolean {
  return TERRAFORM_PASSED_NAMES.has(name) || TERRAFORM_PASSED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * Settings of envbot, Probot and the tooling a server commonly runs with (tokens of GitHub, npm,
 * Sentry, databases and caches). Prefixes end in "_"; the rest are whole names.
 */
const SERVER_PREFIXES = [
  "ENVBOT_", "GITHUB_", "GH_", "TF_", "PG", "LC_", "NODE_", "NPM_", "npm_", "SENTRY_", "REDIS_", "DATABASE_",
  "DOCKER_", "VAULT_", "KUBE", "SSH_", "GIT_", "OTEL_", "INFRACOST_",
];
const SERVER_NAMES = new Set([
  "APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "WEBHOOK_PROXY_URL", "WEBHOOK_PATH", "CLIENT_ID", "CLIENT_SECRET",
  "GHE_HOST", "GHE_PROTOCOL", "GH_ORG", "LOG_LEVEL", "LOG_FORMAT", "LOG_LEVEL_IN_STRING", "LOG_MESSAGE_KEY", "PORT", "HOST",
  "TERRAFORM_BIN", "DATABASE_URL", "REDIS_URL", "SENTRY_DSN", "CHECKPOINT_DISABLE", "SHELL", "PWD", "OLDPWD", "LOGNAME", "HOSTNAME",
]);

/** Whether `name` belongs to the server: no definition may read it, whatever the allow list says. */
export function isServerVariable(name: string): boolean {
  return passesToTerraform(name) || SERVER_NAMES.has(name) || SERVER_PREFIXES.some((prefix) => name.startsWith(prefix));
}
