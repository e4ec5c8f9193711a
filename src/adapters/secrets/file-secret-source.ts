import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { SecretUnavailableError } from "../../core/ports/index.js";
import type { SecretSource } from "./secret-source.js";

/** A secret file is a password, a key or a certificate: anything larger is refused unread. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * Secrets from files in one directory the operator mounts (ENVBOT_SECRETS_DIR: Kubernetes or
 * Docker secrets). A path is relative to it and never leads out: '..', absolute paths and links
 * that resolve outside are refused before anything is read, and only regular files are read.
 * One trailing line break is dropped, as most tools that write such files add one.
 */
export function fileSecretSource(directory: string, maxBytes = MAX_SECRET_FILE_BYTES): SecretSource {
  return {
    refusal: ({ name }) => pathRefusal(name),
    async read({ name }, secret) {
      const refused = pathRefusal(name);
      if (refused) throw new SecretUnavailableError(`secret ${secret}: the envbot server does not read the secrets file ${name}: ${refused}`);
      const unavailable = (why: string) => new SecretUnavailableError(`secret ${secret}: the secrets file ${name} ${why}`);
      let root: string;
      let real: string;
      try {
        root = await realpath(directory);
        real = await realpath(path.join(root, name));
      } catch {
        throw unavailable("does not exist in the server's secrets directory");
      }
      // Links are followed by realpath: what counts is where the file really is.
      const inside = path.relative(root, real);
      if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside)) throw unavailable("leads out of the server's secrets directory, so it is not read");
      // O_NOFOLLOW: a link swapped in after the check is not followed; the checks below are on the opened file.
      const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
      if (!handle) throw unavailable("cannot be opened by the envbot server");
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) throw unavailable("is not a regular file, so it is not read");
        if (stats.size > maxBytes) throw unavailable(`is larger than ${maxBytes} bytes, so it is not read`);
        const buffer = Buffer.alloc(stats.size);
        const { bytesRead } = await handle.read(buffer, 0, stats.size, 0);
        const value = buffer.subarray(0, bytesRead).toString("utf8").replace(/\r?\n$/, "");
        if (value === "") throw unavailable("is empty");
        return value;
      } finally {
        await handle.close();
      }
    },
  };
}

/** A path that could lead out of the directory, refused from its text alone (validation says it at its line). */
function pathRefusal(name: string): string | undefined {
  if (path.isAbsolute(name) || name.startsWith("/") || name.includes("\\")) return "it is not a path relative to the server's secrets directory";
  if (name.split("/").some((segment) => segment === ".." || segment === "." || segment === "")) return "a secrets file path has no '.', '..' or empty parts";
  return undefined;
}
