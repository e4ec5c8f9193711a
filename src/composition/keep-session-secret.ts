import { randomBytes } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Store } from "../core/ports/index.js";
import { MIN_SESSION_SECRET_BYTES } from "./github-app-settings.js";
import { SettingsError } from "../adapters/server-env/settings.js";

/** The file in the data directory that keeps the session secret envbot generated (embedded). */
export const SESSION_SECRET_FILE = "session-secret";
/** Its name among the store's server secrets (scale-out: every server reads the same one). */
const SESSION_SECRET_NAME = "session";

/**
 * The secret that seals session cookies: ENVBOT_SESSION_SECRET when set; else, with sign-in,
 * one envbot generated at its first start and keeps, so sessions outlive a restart. Embedded it
 * is a file of the data directory only its owner reads (0600); in scale-out a record of the
 * shared PostgreSQL store, so every server seals and opens the same cookies. Without sign-in no
 * session is ever made: undefined.
 */
export async function keepSessionSecret(options: {
  configured?: string;
  signIn: boolean;
  mode: "embedded" | "scale-out";
  dataDir: string;
  store: Pick<Store, "keepServerSecret">;
  log: { warn(message: string): void };
}): Promise<string | undefined> {
  if (options.configured !== undefined) return options.configured;
  if (!options.signIn) return undefined;
  const generated = randomBytes(MIN_SESSION_SECRET_BYTES).toString("base64url");
  if (options.mode === "scale-out") return options.store.keepServerSecret(SESSION_SECRET_NAME, generated);
  return keepInFile(path.join(options.dataDir, SESSION_SECRET_FILE), generated, options.log);
}

function keepInFile(file: string, generated: string, log: { warn(message: string): void }): string {
  mkdirSync(path.dirname(file), { recursive: true });
  // Written whole to a file of its own, then linked into place: a second process starting at
  // the same moment finds either no file or the whole secret, and link refuses to replace one.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
  writeFileSync(draft, `${generated}\n`, { mode: 0o600, flag: "wx" });
  try {
    chmodSync(draft, 0o600);
    linkSync(draft, file);
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(draft);
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
    log.warn(`${file} could be read by others than its owner: it is 0600 now. Consider ending every session by deleting it (a new one is generated at the next start)`);
  }
  const kept = readFileSync(file, "utf8").trim();
  if (Buffer.byteLength(kept) < MIN_SESSION_SECRET_BYTES) {
    throw new SettingsError(`${file}: does not hold a session secret of at least ${MIN_SESSION_SECRET_BYTES} bytes; delete it and envbot generates a new one (every signed-in session then ends)`);
  }
  return kept;
}
