import { createHash } from "node:crypto";
import path from "node:path";

const GITHUB_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * The repository as a relative storage path (working directory, local state, S3 key): a GitHub
 * repository as "owner/name"; a local checkout, identified by its absolute path, as
 * "local/<folder>-<hash of the path>", so two checkouts never share a state and no path from the
 * machine leaks into a bucket key. Names are checked, never trusted.
 */
export function repositoryStorageKey(repository: string): string {
  if (path.isAbsolute(repository)) {
    const folder = path.basename(repository).replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_").slice(0, 40) || "root";
    return `local/${folder}-${createHash("sha256").update(repository).digest("hex").slice(0, 12)}`;
  }
  if (!GITHUB_REPOSITORY.test(repository) || repository.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`invalid repository name '${repository}'`);
  }
  return repository;
}
