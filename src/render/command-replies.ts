// Replies to `/envbot ...` comment commands. Whatever the commenter typed is shown in code spans
// only, so a reply can never be used to post markdown, HTML or mentions on envbot's behalf.
import { codeSpan, formatLockHolder } from "./markdown.js";

/** Where a comment command is taken: a pull request, an expiry warning issue, a drift issue. */
export type CommandPage = "pull-request" | "expiry-issue" | "drift-issue";

/** The commands a comment can run, where, as the help and the plan comment's footer list them. */
export const ENVBOT_COMMANDS: ReadonlyArray<{ verb: string; usage: string; meaning: string; on: readonly CommandPage[] }> = [
  { verb: "plan", usage: "/envbot plan [NAME]", meaning: "plans again, every environment of this pull request or only NAME", on: ["pull-request"] },
  { verb: "unlock", usage: "/envbot unlock [NAME]", meaning: "releases the locks this pull request holds, all or only NAME's", on: ["pull-request"] },
  { verb: "extend", usage: "/envbot extend [NAME] DURATION", meaning: "opens (or updates) a pull request that moves NAME's end DURATION (like 48h) later, within the repository's maxTtl", on: ["pull-request", "expiry-issue"] },
  { verb: "destroy", usage: "/envbot destroy NAME", meaning: "opens a pull request that removes NAME's definition; merging it destroys the environment", on: ["pull-request"] },
  { verb: "wake", usage: "/envbot wake [NAME] [DURATION]", meaning: "wakes NAME if it sleeps outside its awake hours, and keeps it awake DURATION (like 2h) or until its next awake window ends", on: ["pull-request", "expiry-issue", "drift-issue"] },
  { verb: "revert", usage: "/envbot revert [confirm]", meaning: "plans the definition on the default branch, which undoes the drift; `confirm` then applies that plan", on: ["drift-issue"] },
  { verb: "adopt", usage: "/envbot adopt", meaning: "opens a pull request that writes the drifted values into the definition, where a template variable holds them", on: ["drift-issue"] },
  { verb: "help", usage: "/envbot help", meaning: "lists these commands, and which of them you may use", on: ["pull-request", "expiry-issue", "drift-issue"] },
];

/** The verbs a page takes, in the order the help lists them. */
export function commandVerbsOn(where: CommandPage): string[] {
  return ENVBOT_COMMANDS.filter((c) => c.on.includes(where)).map((c) => c.verb);
}

/** What a commenter typed is shown back at most this long. */
const COMMAND_ECHO_LENGTH = 100;

export function formatCommandList(): string {
  const lines = ENVBOT_COMMANDS.filter((c) => c.on.includes("pull-request")).map((c) => `- ${codeSpan(c.usage)}: ${c.meaning}`);
  return ["**Commands**, as a comment on this pull request:", ...lines].join("\n");
}

/**
 * To a writer the repository's policy keeps from a command: which rule. (Someone without write
 * access gets a reaction, never a reply: envbot does not post for them.)
 */
export function renderCommandRefusal(input: { login: string; policy: string }): string {
  return `@${input.login}, the repository's policy does not let you do this: ${input.policy}.`;
}

/** For a comment that starts with `/envbot` but is no command envbot knows (text: its first line). */
export function renderUnknownCommand(text: string): string {
  const typed = text.trim();
  const shown = typed.length > COMMAND_ECHO_LENGTH ? `${typed.slice(0, COMMAND_ECHO_LENGTH)}…` : typed;
  const first = typed === "/envbot" || typed === "" ? "envbot needs a command after `/envbot`." : `envbot does not know the command ${codeSpan(shown)}.`;
  return `${first}\n\n${formatCommandList()}\n\nNAME is an environment of this pull request, as in ${codeSpan("/envbot plan checkout")}.`;
}

/** When NAME in `/envbot plan NAME` is not one of this pull request's environments. */
export function renderUnknownEnvironment(input: { environment: string; environments: string[] }): string {
  const name = codeSpan(input.environment.slice(0, COMMAND_ECHO_LENGTH));
  if (input.environments.length === 0) return `There is no environment ${name} in this pull request: it changes no environment definitions.`;
  const known = [...input.environments].sort().map(codeSpan).join(", ");
  return `There is no environment ${name} in this pull request. Its environments: ${known}.`;
}

/**
 * The outcome of `/envbot unlock [NAME]` in pull request `number`: released lists the environments
 * whose lock this pull request held and gave up, refused those whose lock the commenter may not
 * release (with the rule that keeps it). Only a pull request's own locks are released.
 */
export function renderUnlockResult(input: { released: string[]; refused?: readonly { environment: string; reason: string }[]; environment?: string; number: number }): string {
  const holder = formatLockHolder({ kind: "pull-request", number: input.number });
  const names = [...input.released].sort().map(codeSpan);
  const refused = [...(input.refused ?? [])].sort((a, b) => a.environment.localeCompare(b.environment));
  const kept = refused.length === 0 ? [] : ["", `Kept, since you may not release ${refused.length === 1 ? "it" : "them"}:`, ...refused.map((r) => `- ${codeSpan(r.environment)}: ${r.reason}`)];
  if (input.environment !== undefined && refused.length === 0) {
    const name = codeSpan(input.environment);
    return input.released.includes(input.environment)
      ? `Released the lock on ${name} held by ${holder}.`
      : `${name} was not locked by this pull request: nothing to release.`;
  }
  if (names.length === 0) return refused.length === 0 ? "This pull request held no locks: nothing to release." : [`Released no lock held by ${holder}.`, ...kept].join("\n");
  const what = names.length === 1 ? `the lock on ${names[0]}` : `the locks on ${names.join(", ")}`;
  return [`Released ${what} held by ${holder}.`, ...kept].join("\n");
}

/** `/envbot plan` on a closed pull request: nothing runs, and why. */
export function renderCommandOnClosedPullRequest(input: { merged: boolean }): string {
  return input.merged
    ? "This pull request is merged: envbot applied it (or is applying it) and plans nothing more here. To change an environment again, open a new pull request."
    : "This pull request is closed: envbot plans nothing for it. Reopen it to plan again.";
}

/** Something unexpected broke envbot's work on a pull request: say so, and where to look. */
export function renderUnexpectedError(deliveryId: string): string {
  return [
    "⚠️ envbot ran into an unexpected error and could not finish its work on this pull request.",
    `The server log has the details under delivery ${codeSpan(deliveryId)}. Comment ${codeSpan("/envbot plan")} to try again; if it happens again, tell whoever runs envbot.`,
  ].join("\n\n");
}

/** `/envbot extend` and `/envbot destroy` opened (or updated) a pull request: where it is. */
export function renderProposalOpened(input: { kind: "extend" | "destroy"; environment: string; number: number; url: string; to?: string }): string {
  const link = `[#${input.number}](${input.url})`;
  return input.kind === "extend"
    ? `Proposed in ${link}: ${codeSpan(input.environment)} ${input.to ?? "extended"}. It takes effect when that pull request is merged.`
    : `Proposed in ${link}: removing the definition of ${codeSpan(input.environment)}. Merging it destroys the environment.`;
}

/** `/envbot wake` was taken: waking now (a job), or kept awake already, and until when. */
export function renderWakeTaken(input: { environment: string; until: Date; asleep: boolean }): string {
  const until = input.until.toISOString().slice(0, 16).replace("T", " ");
  return input.asleep
    ? `Waking ${codeSpan(input.environment)} now; it stays awake until ${until} UTC, then sleeps on its schedule.`
    : `${codeSpan(input.environment)} is awake; it stays awake until ${until} UTC, then sleeps on its schedule.`;
}

/** An action envbot refused or could not take, with the reason (already worded by the core). */
export function renderActionNotTaken(input: { login: string; command: string; reason: string; problems?: readonly { field: string; message: string }[] }): string {
  const problems = input.problems?.map((p) => `- ${p.message}`) ?? [];
  return [`@${input.login}, ${codeSpan(input.command)} was not done: ${input.reason}`, ...problems].join("\n");
}

/** `/envbot help`: every command, and whether this commenter may use it here (with why not). */
export function renderHelp(input: { login: string; where: CommandPage; allowed: ReadonlyMap<string, string | true> }): string {
  const lines = ENVBOT_COMMANDS.map((c) => {
    const verdict = c.on.includes(input.where) ? input.allowed.get(c.verb) : undefined;
    const mark = verdict === true ? "✅" : verdict === undefined ? "➖" : "⛔";
    const why = verdict === true || verdict === undefined ? "" : ` (${verdict})`;
    return `- ${mark} ${codeSpan(c.usage)}: ${c.meaning}${why}`;
  });
  const here =
    input.where === "expiry-issue"
      ? "On this expiry warning, NAME may be left out: it is this environment."
      : input.where === "drift-issue"
        ? "On this drift issue, NAME may be left out: it is this environment."
        : "NAME is an environment of this repository, as in `/envbot plan checkout`.";
  return [`@${input.login}, what you may do here (✅ yes, ⛔ no, ➖ not on this page):`, ...lines, "", here].join("\n");
}
