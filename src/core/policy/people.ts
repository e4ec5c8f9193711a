/** Whether a GitHub login belongs to a team, as the policy asks it (GitHub's team memberships). */
export interface TeamMembership {
  /** An active member of the team `org/team` (a pending invitation is not membership). */
  isTeamMember(org: string, team: string, login: string): Promise<boolean>;
}

/** One entry of a rule's list: "@user", "@org/team", or "owner" (the environment's own owner). */
export type Person = { kind: "user"; login: string } | { kind: "team"; org: string; team: string } | { kind: "owner" };

export function parsePerson(text: string): Person {
  if (text === "owner") return { kind: "owner" };
  const [org, team] = text.slice(1).split("/");
  return team === undefined ? { kind: "user", login: org! } : { kind: "team", org: org!, team };
}

/**
 * Whether `login` is one of `people`. Logins compare case-insensitively, as on GitHub. "owner"
 * stands for the environment's owner (a user, or a team whose members it then counts).
 */
export async function isOneOf(people: readonly string[], login: string, context: { owner?: string }, membership: TeamMembership): Promise<boolean> {
  for (const text of people) {
    const person = text === "owner" ? (context.owner ? parsePerson(context.owner) : undefined) : parsePerson(text);
    if (!person || person.kind === "owner") continue;
    if (person.kind === "user" && person.login.toLowerCase() === login.toLowerCase()) return true;
    if (person.kind === "team" && (await membership.isTeamMember(person.org, person.team, login))) return true;
  }
  return false;
}

/** "@acme/platform or @alice", for messages. */
export function describePeople(people: readonly string[], owner?: string): string {
  const named = people.map((p) => (p === "owner" ? `the owner${owner ? ` (${owner})` : ""}` : p));
  return named.length <= 1 ? (named[0] ?? "nobody") : `${named.slice(0, -1).join(", ")} or ${named.at(-1)}`;
}
