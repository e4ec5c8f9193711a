import { randomBytes } from "node:crypto";
import { chmod, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Contexts } from "./context-fields.js";
import { CONTEXTS_FILE_MODE } from "./read-contexts.js";

/** Owner only: the directory of a file of tokens. */
const CONTEXTS_DIR_MODE = 0o700;

/**
 * Writes the contexts atomically: a temporary file of mode 0600 beside it, renamed over it, so a
 * reader (or a crash) never meets half a file and the tokens are never readable by others, not
 * even for a moment. The directory is made (or tightened to) 0700.
 */
export async function writeContexts(file: string, contexts: Contexts): Promise<void> {
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true, mode: CONTEXTS_DIR_MODE });
  if (((await stat(directory)).mode & 0o077) !== 0) await chmod(directory, CONTEXTS_DIR_MODE);
  const temporary = path.join(directory, `.contexts.json.${randomBytes(6).toString("hex")}`);
  try {
    // `flag: "wx"`: never write through a file (or link) someone placed under that name.
    await writeFile(temporary, `${JSON.stringify(contexts, null, 2)}\n`, { mode: CONTEXTS_FILE_MODE, flag: "wx" });
    // The mode given to writeFile is narrowed by the umask, never widened; this makes it exact.
    await chmod(temporary, CONTEXTS_FILE_MODE);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
