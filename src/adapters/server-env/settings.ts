import os from "node:os";
import path from "node:path";
import type { CaSettings } from "../certificates/certificate-issuer-from-settings.js";
import { locateInfracost } from "../cost/locate-infracost.js";
import { describeConnection } from "../store/postgres/connection-errors.js";
import { parseDuration } from "../../core/duration/duration.js";
import type { CloudCredentialsMode } from "../aws/sts-cloud-credentials.js";
import { parseRoleAllowRules, RoleAllowSyntaxError, type RoleAllowRules } from "../../core/credentials/role-allow-rules.js";
import { parseSecretAllowRules, SecretAllowSyntaxError, type SecretAllowRules } from "../../core/secrets/secret-allow-rules.js";

/** Server and CLI settings, read once from the environment and validated. */
export interface Settings {
  /** ENVBOT_DATA_DIR (default: defaultDataDir): the SQLite database, local state, working directories, plugin cache. */
  dataDir: string;
  /** TERRAFORM_BIN: terraform, or OpenTofu's tofu. */
  terraformBin: string;
  /** ENVBOT_TERRAFORM_TIMEOUT: one Terraform command at most this long (default 30m). */
  terraformTimeoutMs: number;
  /** ENVBOT_TERRAFORM_KILL_GRACE: after an interrupt, time to release locks before a kill (10s). */
  terraformKillGraceMs: number;
  /** ENVBOT_STATE_LOCK_TIMEOUT: how long to wait for Terraform's state lock (default 1m). */
  stateLockTimeoutMs: number;
  aws: {
    /** ENVBOT_AWS_REGION, else AWS_REGION, else us-east-1. */
    region: string;
    /** ENVBOT_AWS_ENDPOINT: an AWS API emulator for every service (tests, local trials). */
    endpoint?: string;
  };
  /**
   * ENVBOT_SECRETS_ALLOW: which sources and names each repository's definitions may read
   * (`DB_*,owner/repo=ssm:/app/*,awssecret:prod/*;owner/*=file:*`); none by default.
   */
  secretsAllow: SecretAllowRules;
  /** ENVBOT_SECRETS_DIR: the one directory fromFile reads from (mounted Kubernetes or Docker secrets); none by default. */
  secretsDir?: string;
  /** ENVBOT_LEASE_TTL: how long an environment stays held by a process that died running Terraform (2m). */
  leaseTtlMs: number;
  /** ENVBOT_CONCURRENCY: Terraform operations the app (each worker) runs at once (default 2). */
  concurrency: number;
  /**
   * ENVBOT_DATABASE_URL (postgres://...): scale-out. Every record and the job queue (pg-boss) go
   * to this PostgreSQL database, shared by any number of servers and workers; unset, the embedded
   * SQLite file and in-process queue.
   */
  databaseUrl?: string;
  /** ENVBOT_SHUTDOWN_GRACE: on SIGTERM, how long running jobs may go on before they are interrupted (30s). */
  shutdownGraceMs: number;
  /**
   * ENVBOT_INFRACOST (`off`, or the binary; unset: `infracost` on the PATH, when there is one):
   * plans are priced by Infracost. ENVBOT_INFRACOST_TIMEOUT: one breakdown at most this long (60s).
   */
  infracost?: { binary: string; timeoutMs: number };
  /** Cloud credentials per run (docs/secrets-and-credentials.md). */
  cloudCredentials: CloudCredentialSettings;
  /** ENVBOT_CA_CERT_FILE + ENVBOT_CA_KEY_FILE, or ENVBOT_CA_PCA_ARN: the CA environments' certificates come from; none by default. */
  ca?: CaSettings;
}

export interface CloudCredentialSettings {
  /** ENVBOT_AWS_CREDENTIALS: pass (default), assume-role or oidc. */
  mode: CloudCredentialsMode;
  /** ENVBOT_AWS_ROLES_ALLOW: the roles each repository may name; none by default. */
  rolesAllow: RoleAllowRules;
  /** ENVBOT_AWS_SESSION_MAX: the longest session asked of STS (default 1h, a role's default MaxSessionDuration). */
  sessionMaxMs: number;
  /** oidc mode: ENVBOT_PUBLIC_URL as the issuer, ENVBOT_OIDC_AUDIENCE (sts.amazonaws.com), ENVBOT_OIDC_KEY_ROTATION (30d). */
  oidc?: { issuer: string; audience: string; rotationMs: number };
}

export class SettingsError extends Error {
  override name = "SettingsError";
}

const DURATION = /^[1-9][0-9]{0,5}(s|m|h|d)$/;

export function readSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const duration = (name: string, fallback: string): number => {
    const text = env[name] || fallback;
    if (!DURATION.test(text)) throw new SettingsError(`${name}: '${text}' is not a duration like 30m (s, m, h or d)`);
    return text.endsWith("s") ? Number(text.slice(0, -1)) * 1000 : parseDuration(text);
  };
  const infracost = locateInfracost(env, cwd);
  if (infracost.kind === "refused") throw new SettingsError(infracost.reason);
  const infracostTimeoutMs = duration("ENVBOT_INFRACOST_TIMEOUT", "60s");
  const databaseUrl = env.ENVBOT_DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new SettingsError("ENVBOT_DATABASE_URL: not a PostgreSQL connection URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)");
  }
  return {
    dataDir: env.ENVBOT_DATA_DIR ? path.resolve(cwd, env.ENVBOT_DATA_DIR) : defaultDataDir(env),
    terraformBin: env.TERRAFORM_BIN || "terraform",
    terraformTimeoutMs: duration("ENVBOT_TERRAFORM_TIMEOUT", "30m"),
    terraformKillGraceMs: duration("ENVBOT_TERRAFORM_KILL_GRACE", "10s"),
    stateLockTimeoutMs: duration("ENVBOT_STATE_LOCK_TIMEOUT", "1m"),
    leaseTtlMs: duration("ENVBOT_LEASE_TTL", "2m"),
    ...readSecretSettings(env, cwd),
    concurrency: positiveInteger(env, "ENVBOT_CONCURRENCY", 2),
    ...(databaseUrl ? { databaseUrl } : {}),
    shutdownGraceMs: duration("ENVBOT_SHUTDOWN_GRACE", "30s"),
    ...(infracost.kind === "found" && { infracost: { binary: infracost.binary, timeoutMs: infracostTimeoutMs } }),
    cloudCredentials: readCloudCredentialSettings(env, duration),
    ...readCaSettings(env, cwd),
  };
}

/** ENVBOT_CA_*: the operator's CA as two PEM files, or an AWS Private CA, never both. */
function readCaSettings(env: NodeJS.ProcessEnv, cwd: string): { ca?: CaSettings } {
  const { ENVBOT_CA_CERT_FILE: certFile, ENVBOT_CA_KEY_FILE: keyFile, ENVBOT_CA_PCA_ARN: arn } = env;
  if ((certFile || keyFile) && arn) throw new SettingsError("ENVBOT_CA_PCA_ARN and ENVBOT_CA_CERT_FILE/ENVBOT_CA_KEY_FILE name two CAs: set one of them");
  if (arn) {
    if (!/^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[A-Za-z0-9-]+$/.test(arn)) throw new SettingsError(`ENVBOT_CA_PCA_ARN: '${arn}' is not the ARN of an AWS Private CA (arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/ID)`);
    return { ca: { kind: "aws-private-ca", arn } };
  }
  if (!certFile && !keyFile) return {};
  if (!certFile || !keyFile) throw new SettingsError(`${certFile ? "ENVBOT_CA_KEY_FILE" : "ENVBOT_CA_CERT_FILE"} is not set: the operator's CA needs both its certificate (ENVBOT_CA_CERT_FILE) and its key (ENVBOT_CA_KEY_FILE)`);
  return { ca: { kind: "operator-ca", certFile: path.resolve(cwd, certFile), keyFile: path.resolve(cwd, keyFile) } };
}

const CLOUD_CREDENTIALS_MODES: readonly CloudCredentialsMode[] = ["pass", "assume-role", "oidc"];

function readCloudCredentialSettings(env: NodeJS.ProcessEnv, duration: (name: string, fallback: string) => number): CloudCredentialSettings {
  const mode = (env.ENVBOT_AWS_CREDENTIALS || "pass") as CloudCredentialsMode;
  if (!CLOUD_CREDENTIALS_MODES.includes(mode)) throw new SettingsError(`ENVBOT_AWS_CREDENTIALS: '${mode}' is not one of ${CLOUD_CREDENTIALS_MODES.join(", ")}`);
  let rolesAllow: RoleAllowRules;
  try {
    rolesAllow = parseRoleAllowRules(env.ENVBOT_AWS_ROLES_ALLOW);
  } catch (error) {
    if (error instanceof RoleAllowSyntaxError) throw new SettingsError(`ENVBOT_AWS_ROLES_ALLOW: ${error.message}`);
    throw error;
  }
  const settings: CloudCredentialSettings = { mode, rolesAllow, sessionMaxMs: duration("ENVBOT_AWS_SESSION_MAX", "1h") };
  if (mode !== "oidc") return settings;
  const issuer = readPublicUrl(env);
  if (!issuer) throw new SettingsError("ENVBOT_AWS_CREDENTIALS=oidc: set ENVBOT_PUBLIC_URL, the address AWS reads envbot's signing keys from (https)");
  return { ...settings, oidc: { issuer, audience: env.ENVBOT_OIDC_AUDIENCE || "sts.amazonaws.com", rotationMs: duration("ENVBOT_OIDC_KEY_ROTATION", "30d") } };
}

/**
 * Where the data goes unless ENVBOT_DATA_DIR says: the user's state directory (XDG Base
 * Directory: $XDG_STATE_HOME, else ~/.local/state), never the directory the command runs in, so
 * nothing is written into a repository and every command of one user finds the same records.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME || os.homedir(), ".local", "state");
  return path.join(state, "envbot");
}

/**
 * What secrets are read with: the AWS settings, ENVBOT_SECRETS_ALLOW and ENVBOT_SECRETS_DIR. The
 * CLI's `validate` reads these alone, so it judges references as this machine's envbot would.
 */
export function readSecretSettings(env: NodeJS.ProcessEnv, cwd = process.cwd()): Pick<Settings, "aws" | "secretsAllow" | "secretsDir"> {
  const endpoint = env.ENVBOT_AWS_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\/[^\s/]+(\/.*)?$/.test(endpoint)) {
    throw new SettingsError(`ENVBOT_AWS_ENDPOINT: '${endpoint}' is not an http(s) URL`);
  }
  let secretsAllow: SecretAllowRules;
  try {
    secretsAllow = parseSecretAllowRules(env.ENVBOT_SECRETS_ALLOW);
  } catch (error) {
    if (error instanceof SecretAllowSyntaxError) throw new SettingsError(`ENVBOT_SECRETS_ALLOW: ${error.message}`);
    throw error;
  }
  return {
    aws: { region: env.ENVBOT_AWS_REGION || env.AWS_REGION || "us-east-1", endpoint },
    secretsAllow,
    ...(env.ENVBOT_SECRETS_DIR && { secretsDir: path.resolve(cwd, env.ENVBOT_SECRETS_DIR) }),
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (!text) return fallback;
  if (!/^[1-9][0-9]{0,3}$/.test(text)) throw new SettingsError(`${name}: '${text}' is not a whole number from 1 to 9999`);
  return Number(text);
}

/**
 * ENVBOT_PUBLIC_URL: where people reach envbot (sign-in's callback, links in messages), without a
 * trailing slash; undefined when unset. Refused when it is not an http(s) origin.
 */
export function readPublicUrl(env: NodeJS.ProcessEnv): string | undefined {
  const publicUrl = env.ENVBOT_PUBLIC_URL || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(publicUrl)) throw new SettingsError(`ENVBOT_PUBLIC_URL: '${publicUrl}' is not an address like https://envbot.example.com`);
  return publicUrl?.replace(/\/$/, "");
}

/** The embedded store's SQLite file in the data directory. */
export function sqliteFile(settings: Settings): string {
  return path.join(settings.dataDir, "envbot.db");
}

/** Where the records are, as people read it, never with the database's user or password. */
export function describeStore(settings: Settings): string {
  return settings.databaseUrl === undefined ? `SQLite ${sqliteFile(settings)}` : `PostgreSQL ${describeConnection(settings.databaseUrl)}`;
}
