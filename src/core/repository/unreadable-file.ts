import type { RepoFiles } from "../ports/index.js";

/** Why a path that is listed, or was asked for, reads as missing. */
export type UnreadableReason = "missing" | "outside" | "not-a-file" | "unopenable";

/**
 * A RepoFiles that can say why a path reads as missing. A local checkout can (a symbolic link
 * out of the repository, a pipe); GitHub's contents API cannot, so this stays optional.
 */
export interface ExplainsUnreadable {
  whyUnreadable(path: string): Promise<UnreadableReason>;
}

const PHRASES: Record<UnreadableReason, string> = {
  missing: "does not exist",
  outside: "leads outside the repository; envbot reads only files inside it",
  "not-a-file": "is not a regular file",
  unopenable: "could not be opened (its permissions?)",
};

/** "environments/x.yaml leads outside the repository; ..." — never anything of the target's content. */
export function describeUnreadable(path: string, reason: UnreadableReason): string {
  return `${path} ${PHRASES[reason]}`;
}

/**
 * A diagnostic's message for a listed `path` of `files` that cannot be read: why, when `files` can
 * tell, otherwise a reason that fits every case.
 */
export async function explainUnreadable(files: RepoFiles, path: string): Promise<string> {
  const explains = (files as Partial<ExplainsUnreadable>).whyUnreadable;
  return `cannot be read: it ${explains ? PHRASES[await explains.call(files, path)] : "is not a regular file of the repository"}`;
}
