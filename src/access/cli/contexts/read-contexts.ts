import { chmod, readFile, stat } from "node:fs/promises";
import { CommandFailure } from "../cli-io.js";
import { CONTEXT_NAME, type Context, type Contexts } from "./context-fields.js";

/** Owner read and write only: the file holds API tokens. */
export const CONTEXTS_FILE_MODE = 0o600;

/**
 * The contexts kept in `file` (none when it does not exist yet), checked once here. A file that
 * others may read is tightened to 0600 first, and `tell` says so: its tokens may have been seen.
 */
export async function readContexts(file: string, tell: (line: string) => void): Promise<Contexts> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!info) return { contexts: [] };
  if ((info.mode & 0o077) !== 0) {
    await chmod(file, CONTEXTS_FILE_MODE);
    tell(`note: ${file} was readable by others (mode ${(info.mode & 0o777).toString(8)}); it is 600 now. Replace its tokens if others could read them.`);
  }
  const broken = (reason: string) => new CommandFailure(`${file} is not a contexts file envbot can read (${reason}); fix or remove it`);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch {
    throw broken("not JSON");
  }
  if (!isObject(data) || !Array.isArray(data.contexts)) throw broken("no 'contexts' list");
  const contexts = data.contexts.map((entry: unknown, index): Context => {
    if (!isObject(entry) || typeof entry.name !== "string" || !CONTEXT_NAME.test(entry.name) || typeof entry.url !== "string" || typeof entry.token !== "string") {
      throw broken(`context ${index + 1} needs a name, url and token`);
    }
    if (entry.repository !== undefined && typeof entry.repository !== "string") throw broken(`the repository of context ${entry.name} is not text`);
    return { name: entry.name, url: entry.url, token: entry.token, ...(entry.repository ? { repository: entry.repository } : {}) };
  });
  const current = typeof data.current === "string" && contexts.some((c) => c.name === data.current) ? data.current : undefined;
  return { ...(current ? { current } : {}), contexts };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
