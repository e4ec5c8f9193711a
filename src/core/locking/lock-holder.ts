/** Who holds an environment's lock: a pull request until it is merged or closed, or a person at the command line. */
export type LockHolder = { kind: "pull-request"; number: number } | { kind: "cli"; user: string };

export function sameLockHolder(a: LockHolder, b: LockHolder): boolean {
  return a.kind === "pull-request" ? b.kind === "pull-request" && a.number === b.number : b.kind === "cli" && a.user === b.user;
}
