import { randomBytes } from "node:crypto";
import { chmod, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** What GitHub returns for a manifest's code (POST /app-manifests/{code}/conversions): the new App and its secrets. */
export interface AppConversion {
  id: number;
  slug?: string | null;
  name: string;
  html_url: string;
  pem: string;
  webhook_secret: string | null;
  client_id: string;
  client_secret: string;
}

/**
 * The settings `npm start` reads (composition/github-app-settings.ts) for the App GitHub created,
 * in the order they are written. The private key goes in base64, one line (Probot decodes it);
 * GHE_HOST and GHE_PROTOCOL are kept when the App is on GitHub Enterprise Server, so the server
 * talks to the GitHub that holds it.
 */
export function appSettingsFromConversion(conversion: AppConversion, publicUrl: string, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    APP_ID: String(conversion.id),
    PRIVATE_KEY: Buffer.from(conversion.pem, "utf8").toString("base64"),
    // GitHub generates one for a manifest with a webhook URL; without one, the server refuses to start (naming it).
    ...(conversion.webhook_secret ? { WEBHOOK_SECRET: conversion.webhook_secret } : {}),
    GITHUB_CLIENT_ID: conversion.client_id,
    GITHUB_CLIENT_SECRET: conversion.client_secret,
    ENVBOT_PUBLIC_URL: publicUrl,
    ...(env.GHE_HOST ? { GHE_HOST: env.GHE_HOST } : {}),
    ...(env.GHE_HOST && env.GHE_PROTOCOL ? { GHE_PROTOCOL: env.GHE_PROTOCOL } : {}),
  };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Written bare: nothing Node's .env parser treats specially (#, quotes, spaces). */
const BARE = /^[A-Za-z0-9_.,:/@+=-]+$/;

/**
 * A .env file that Node's `process.loadEnvFile` (what `npm start` reads it with) reads back as
 * exactly these values: comment lines, then NAME=VALUE lines.
 */
export function formatEnvFile(values: Record<string, string>, comments: readonly string[] = []): string {
  const lines = comments.map((comment) => `# ${comment.replace(/[\r\n]+/g, " ")}`);
  for (const [name, value] of Object.entries(values)) {
    if (!NAME.test(name)) throw new Error(`'${name}' is not a setting's name`);
    lines.push(`${name}=${envFileValue(name, value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * One value as the .env parser keeps it: bare when it is plain; else in single quotes or
 * backticks, inside which the parser changes nothing (newlines included); in double quotes only
 * when it has no backslash-n (which they turn into a newline). A carriage return never survives
 * the parser, quoted or not: such a value is refused rather than written changed.
 */
export function envFileValue(name: string, value: string): string {
  if (value.includes("\r") || value.includes("\0")) throw new Error(`${name}: a value with a carriage return or NUL cannot be kept in a .env file`);
  if (BARE.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes("`")) return `\`${value}\``;
  if (!value.includes('"') && !value.includes("\\n")) return `"${value}"`;
  throw new Error(`${name}: a value with ', \` and " in it cannot be kept in a .env file`);
}

/**
 * Writes the file readable by its owner only (0600). An existing file is refused (EEXIST) unless
 * `replace`; then the new file takes its place in one rename, never half written.
 */
export async function writeEnvFile(file: string, text: string, options: { replace: boolean }): Promise<void> {
  if (!options.replace) {
    await writeFile(file, text, { flag: "wx", mode: 0o600 });
    // The mode given at creation passes through the umask; the file's owner alone, whatever it is.
    await chmod(file, 0o600);
    return;
  }
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, text, { flag: "wx", mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
