import { existsSync } from "node:fs";
import path from "node:path";
import type { SignInSettings } from "../access/api/github-sign-in.js";
import { readPublicUrl, SettingsError } from "../adapters/server-env/settings.js";

/** Probot's own settings, with the names Probot reads, checked once before anything starts. */
export interface GitHubAppSettings {
  /** The env for Probot's createProbot (APP_ID, PRIVATE_KEY(_PATH), GHE_HOST, LOG_LEVEL, ...). */
  probotEnv: NodeJS.ProcessEnv;
  /** WEBHOOK_SECRET: the webhook receiver checks every delivery's signature with it. */
  webhookSecret: string;
  /** WEBHOOK_PATH, default /api/github/webhooks. */
  webhookPath?: string;
  /** PORT, default 3000. */
  port: number;
  /** HOST: the address to listen on; all of them when unset. */
  host?: string;
  /** Sign in with GitHub for the dashboard and API: GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, the App's OAuth client. */
  signIn?: SignInSettings;
  /**
   * ENVBOT_SESSION_SECRET seals session cookies. Unset, a server with sign-in generates one at
   * its first start and keeps it (keep-session-secret.ts). Never derived from another secret:
   * a cookie would then let anyone test guesses of that one offline.
   */
  sessionSecret?: string;
  /** What the operator should know at start (a weak webhook secret); never holds a secret's value. */
  warnings: string[];
}

/** The least ENVBOT_SESSION_SECRET may be: 32 bytes (256 bits, SHA-256's key size). */
export const MIN_SESSION_SECRET_BYTES = 32;
/** A webhook secret shorter than this is warned about: it signs every delivery GitHub sends. */
export const MIN_WEBHOOK_SECRET_LENGTH = 20;

/**
 * `terminal`: the process writes its log to a terminal, where a person reads it. Elsewhere (a
 * service manager, a container, a pipe) a log collector does, and Probot's pretty format costs a
 * worker about a twentieth of its CPU in a sweep (measured: npm run bench -- "over 2 workers").
 */
export function readGitHubAppSettings(env: NodeJS.ProcessEnv, output: { terminal: boolean } = { terminal: false }): GitHubAppSettings {
  const missing = [
    ...(env.APP_ID ? [] : ["APP_ID"]),
    ...(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH ? [] : ["PRIVATE_KEY (or PRIVATE_KEY_PATH)"]),
    // Probot would fall back to the secret "development": anyone could sign deliveries.
    ...(env.WEBHOOK_SECRET ? [] : ["WEBHOOK_SECRET"]),
  ];
  if (missing.length > 0) {
    throw new SettingsError(
      `cannot start: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set. ` +
        "They are the GitHub App's ID, its private key (PEM text, or the path of the .pem file) and its webhook secret. " +
        "'npx envbot setup --public-url URL' creates the App and writes them to .env; for an App that exists, they are on its settings page on GitHub.",
    );
  }
  if (!/^[1-9][0-9]*$/.test(env.APP_ID!)) throw new SettingsError(`APP_ID: '${env.APP_ID}' is not a GitHub App ID (a number)`);
  if (!env.PRIVATE_KEY && !existsSync(path.resolve(env.PRIVATE_KEY_PATH!))) {
    throw new SettingsError(`PRIVATE_KEY_PATH: there is no file ${path.resolve(env.PRIVATE_KEY_PATH!)}`);
  }
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`PORT: '${env.PORT}' is not a port number`);
  const sessionSecret = env.ENVBOT_SESSION_SECRET || undefined;
  if (sessionSecret !== undefined && Buffer.byteLength(sessionSecret) < MIN_SESSION_SECRET_BYTES) {
    throw new SettingsError(`ENVBOT_SESSION_SECRET: at least ${MIN_SESSION_SECRET_BYTES} random bytes (for example the output of 'openssl rand -base64 32'); it seals the dashboard's session cookies. Unset, envbot generates one and keeps it`);
  }
  const warnings =
    env.WEBHOOK_SECRET!.length < MIN_WEBHOOK_SECRET_LENGTH
      ? [`WEBHOOK_SECRET is shorter than ${MIN_WEBHOOK_SECRET_LENGTH} characters: anyone who guesses it can send envbot webhooks. Use a long random one (for example 'openssl rand -hex 32'), in the App's settings and here`]
      : [];
  if (Boolean(env.GITHUB_CLIENT_ID) !== Boolean(env.GITHUB_CLIENT_SECRET)) {
    throw new SettingsError("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET: set both (the App's OAuth client, for signing in to the dashboard) or neither");
  }
  const publicUrl = readPublicUrl(env);
  // GHE_HOST (and GHE_PROTOCOL) as Probot reads them: sign-in goes to the same GitHub.
  const web = env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}` : "https://github.com";
  const signIn: SignInSettings | undefined = env.GITHUB_CLIENT_ID
    ? { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET!, webUrl: web, apiUrl: env.GHE_HOST ? `${web}/api/v3` : "https://api.github.com", publicUrl }
    : undefined;
  return {
    signIn,
    sessionSecret,
    warnings,
    // Probot's default log level is warn: a server should say that it started and what failed.
    // Its default format is pretty: JSON lines unless a person reads the log (LOG_FORMAT chooses).
    probotEnv: { LOG_LEVEL: "info", LOG_FORMAT: output.terminal ? "pretty" : "json", ...env },
    webhookSecret: env.WEBHOOK_SECRET!,
    webhookPath: env.WEBHOOK_PATH || undefined,
    port,
    host: env.HOST || undefined,
  };
}
