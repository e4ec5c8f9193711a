import type { ChangeCounts, DomainEvent } from "../../../core/events/domain-event.js";
import type { DeliveryContext } from "../notification-target.js";

/** A message for chat.postMessage or an incoming webhook: `text` is the notification, `blocks` what the channel shows. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: "header"; text: SlackPlainText }
  | { type: "section"; text: SlackMrkdwn; fields?: SlackMrkdwn[] }
  | { type: "context"; elements: SlackMrkdwn[] }
  | { type: "actions"; elements: SlackLinkButton[] }
  | { type: "divider" };

export interface SlackPlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface SlackMrkdwn {
  type: "mrkdwn";
  text: string;
}

/** A button that only opens a URL: Slack still sends the app an interaction, which envbot ignores. */
export interface SlackLinkButton {
  type: "button";
  text: SlackPlainText;
  url: string;
}

/** Slack's documented Block Kit limits that these messages keep to: Slack refuses a message over any of them (invalid_blocks). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  contextElements: 10,
  /** A text object's own limit, which a context element is. */
  contextElementText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  /**
   * The top-level `text`: what notifications and screen readers get. Slack cuts long ones
   * (chat.postMessage truncates past 40,000 characters and advises far fewer), and a cut could
   * land anywhere; held to a text object's 3000 so it is never cut by Slack.
   */
  text: 3000,
} as const;

/** Names and other strings from the event, escaped, at most this long where a sentence names them. */
const NAME_CHARS = 200;

/** What a message says, kind by kind; every piece is mrkdwn already escaped. */
interface Story {
  emoji: string;
  /** After the environment's name in the header: "applied", "plan failed". */
  headline: string;
  summary: string;
  /** A failure's reason or the policy's reasons. */
  detail?: string;
  next: string;
  runId?: number;
}

/**
 * One Slack message for a domain event: what happened, to which environment, whose it is and
 * what to do next, with buttons for the links the delivery knows. Every string from the event
 * or the context is escaped, so none can make a link or a mention (`<!channel>`).
 */
export function slackMessage(event: DomainEvent, context: DeliveryContext): SlackMessage {
  const env = short(event.environment);
  const repository = short(event.repository);
  const told = story(event, env, context);
  const header = `${told.emoji} ${fit(escape(event.environment), SLACK_LIMITS.headerText - told.emoji.length - told.headline.length - 2)} ${told.headline}`;

  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: header, emoji: true } },
    { type: "section", text: mrkdwn(told.summary), fields: facts(event, context) },
  ];
  if (told.detail !== undefined) blocks.push({ type: "section", text: mrkdwn(told.detail) });
  blocks.push({ type: "section", text: mrkdwn(`*Next:* ${told.next}`) });
  const buttons = linkButtons(context);
  if (buttons.length > 0) blocks.push({ type: "actions", elements: buttons });
  const run = told.runId === undefined ? "" : ` · run ${told.runId}`;
  blocks.push({ type: "context", elements: [mrkdwn(`envbot${run} · ${slackDate(event.at)}`)] });

  return { text: fit(`${header} in ${repository}\n${told.summary}`, SLACK_LIMITS.text), blocks };
}

function story(event: DomainEvent, env: string, context: DeliveryContext): Story {
  const by = event.actor === undefined ? "" : ` by ${actorName(event.actor)}`;
  const replan = `comment \`/envbot plan ${env}\` on the pull request`;
  const applyAgain = `Fix the cause in a pull request that changes the definition of \`${env}\`: its plan shows what is left to do, and merging it applies again.`;
  const destroyAgain = `Fix the cause, then restore the definition of \`${env}\` in a pull request and remove it again to retry the destroy; what was created stays until then.`;
  switch (event.type) {
    case "planned":
      return { emoji: ":memo:", headline: "planned", runId: event.runId, summary: `*${env}* was planned${by}: ${planned(event.changes)}.`, next: "Review the plan on the pull request; merging it applies it." };
    case "plan-failed":
      return {
        emoji: ":x:",
        headline: "plan failed",
        runId: event.runId,
        summary: `The plan of *${env}*${by} failed; nothing was changed.`,
        detail: codeBlock(event.reason),
        next: `Fix the definition and push, or ${replan} to try again.`,
      };
    case "applied":
      return {
        emoji: ":white_check_mark:",
        headline: "applied",
        runId: event.runId,
        summary: `*${env}* was applied${by}: ${done(event.changes)}.`,
        next: context.links.dashboard ? "Open the dashboard to see its outputs and when it expires." : "Nothing to do: it is ready.",
      };
    case "destroyed":
      return { emoji: ":wastebasket:", headline: "destroyed", runId: event.runId, summary: `*${env}* was destroyed${by}: ${done(event.changes)}.`, next: "Nothing to do." };
    case "apply-failed": {
      const destroying = event.effect === "destroy";
      return {
        emoji: ":x:",
        headline: destroying ? "destroy failed" : "apply failed",
        runId: event.runId,
        summary: `The ${event.effect} of *${env}*${by} failed; the environment may be partly changed.`,
        detail: codeBlock(event.reason),
        next: destroying ? destroyAgain : applyAgain,
      };
    }
    case "run-interrupted": {
      const kind = fit(escape(event.kind), 20);
      const changing = event.kind === "apply" || event.kind === "destroy";
      const next =
        event.kind === "apply" ? applyAgain : event.kind === "destroy" ? destroyAgain : event.kind === "drift" ? "Nothing to do: the next drift check runs it again." : `To run it again, ${replan}.`;
      return {
        emoji: ":x:",
        headline: `${kind} interrupted`,
        runId: event.runId,
        summary: `The envbot process running the ${kind} of *${env}*${by} stopped before Terraform finished; ${changing ? "the environment may be partly changed" : "nothing was changed"}.`,
        detail: codeBlock(event.reason),
        next,
      };
    }
    case "expiry-warned":
      return {
        emoji: ":hourglass:",
        headline: `expires ${utcMinute(event.expiresAt)}`,
        summary: `*${env}* expires ${slackDate(event.expiresAt)}: envbot destroys it then.`,
        next: `Extend it with \`/envbot extend ${env} 24h\` on its issue${context.links.dashboard ? " or from the dashboard" : ""}, or let it go.`,
      };
    case "expired":
      return {
        emoji: ":wastebasket:",
        headline: "expired",
        summary: `*${env}* was destroyed because its time to live ran out (${slackDate(event.expiresAt)}).`,
        next: "Nothing to do. To have it again, request a new one in a pull request.",
      };
    case "hibernated":
      return {
        emoji: ":zzz:",
        headline: "asleep",
        runId: event.runId,
        summary: `*${env}* went to sleep outside its awake hours: ${event.form === "destroyed" ? `its resources were destroyed (${done(event.changes)}); its state and records are kept` : `applied with its template's sleep values (${done(event.changes)})`}.`,
        next: event.until ? `Nothing to do: it wakes ${slackDate(event.until)} by its schedule.` : "Nothing to do.",
      };
    case "woke":
      return {
        emoji: ":sunrise:",
        headline: "awake",
        runId: event.runId,
        summary: `*${env}* woke${by}: ${done(event.changes)}.`,
        next: event.until ? `Nothing to do: it sleeps again ${slackDate(event.until)}.` : "Nothing to do.",
      };
    case "drift-found":
      return {
        emoji: ":warning:",
        headline: "drifted",
        summary: `envbot's drift check found *${count(event.drifted, "resource")} drifted* outside Terraform and *${count(event.pendingInGit, "change")} pending in Git* for *${env}*.`,
        next: `Apply from Git or revert the change made outside Terraform${context.links.issue ? "; its issue lists the resources" : ""}.`,
      };
    case "drift-resolved":
      return { emoji: ":white_check_mark:", headline: "back in sync", summary: `The drift reported for *${env}* is gone: it matches its definition again.`, next: "Nothing to do." };
    case "orphans-found": {
      const more = event.count > event.arns.length ? `\n… and ${event.count - event.arns.length} more` : "";
      return {
        emoji: ":mag:",
        headline: "left resources behind",
        summary: `envbot's orphan sweep found *${count(event.count, "cloud resource")}* in ${fit(escape(event.region), 40)} tagged for *${env}* that no environment's state holds: a failed destroy left ${event.count === 1 ? "it" : "them"}, or ${event.count === 1 ? "it was" : "they were"} made by hand. They still cost money; envbot never deletes them.`,
        detail: fit(`${event.arns.map((arn) => `• \`${escape(arn).replace(/`/g, "'")}\``).join("\n")}${more}`, SLACK_LIMITS.sectionText),
        next: `Delete each one in AWS if nothing needs it, or import it into the environment's state${context.links.issue ? "; its issue lists them all" : ""}.`,
      };
    }
    case "orphans-resolved":
      return { emoji: ":white_check_mark:", headline: "nothing left behind", summary: `The resources reported as left behind by *${env}* are gone or back in its state.`, next: "Nothing to do." };
    case "policy-blocked": {
      const reasons = event.reasons.length > 0 ? { detail: fit(event.reasons.map((reason) => `• ${escape(reason)}`).join("\n"), SLACK_LIMITS.sectionText) } : {};
      return event.stage === "pull-request"
        ? {
            emoji: ":no_entry:",
            headline: "blocked by policy",
            summary: `A pull request changing *${env}* cannot be merged yet: the repository's policy (\`.github/envbot.yml\`) is not met.`,
            ...reasons,
            next: "Get the approvals named above, or change the pull request to follow the policy; the `envbot policy` check turns green once it is met.",
          }
        : {
            emoji: ":no_entry:",
            headline: "merge not applied",
            summary: `A merge changing *${env}* was not applied: the repository's policy (\`.github/envbot.yml\`) was not met when it was merged. Nothing was created, changed or destroyed.`,
            ...reasons,
            next: "Revert the merge, or open a pull request that meets the policy (with the approvals named above); its merge is applied as usual.",
          };
    }
    default: {
      const unknown: never = event;
      throw new Error(`no Slack message for event ${JSON.stringify(unknown)}`);
    }
  }
}

/** Which environment, where, whose: the same fields on every message. */
function facts(event: DomainEvent, context: DeliveryContext): SlackMrkdwn[] {
  const repository = short(event.repository);
  const url = escapeUrl(context.links.repository);
  // A link only from a URL short enough for the field (a cut one would lead elsewhere); otherwise the name alone.
  const where = url !== "" && url.length <= 1000 ? `<${url}|${repository}>` : repository;
  const fields = [
    mrkdwn(`*Environment*\n${short(event.environment)}`),
    mrkdwn(`*Repository*\n${where}`),
    mrkdwn(`*Owner*\n${context.owner ? short(context.owner) : "_no owner recorded_"}`),
  ];
  if (context.template) fields.push(mrkdwn(`*Template*\n${short(context.template)}`));
  return fields;
}

const BUTTONS = [
  ["pullRequest", "Pull request"],
  ["issue", "Issue"],
  ["dashboard", "Dashboard"],
  ["run", "Run"],
] as const;

/** A button per link the delivery has; a URL too long for Slack is left out rather than cut into a wrong one. */
function linkButtons(context: DeliveryContext): SlackLinkButton[] {
  return BUTTONS.flatMap(([key, label]) => {
    const url = context.links[key];
    return url && url.length <= SLACK_LIMITS.buttonUrl ? [{ type: "button" as const, text: { type: "plain_text" as const, text: label }, url }] : [];
  });
}

function planned(changes: ChangeCounts): string {
  return `${changes.add} to add, ${changes.change} to change, ${changes.destroy} to destroy`;
}

function done(changes: ChangeCounts): string {
  return `${changes.add} added, ${changes.change} changed, ${changes.destroy} destroyed`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function actorName(actor: string): string {
  return actor === "reconciler" ? "envbot's scheduled checks" : short(actor);
}

/** A reason as a code block, as much of it as a section holds. */
function codeBlock(reason: string): string {
  const fence = "```";
  const text = reason.trim() === "" ? "(no reason recorded)" : reason;
  return `${fence}\n${fit(escape(text), SLACK_LIMITS.sectionText - 2 * fence.length - 2)}\n${fence}`;
}

/** A time every reader sees in their own time zone; the ISO text where Slack cannot format it. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  const fallback = fit(escape(iso), 40);
  return Number.isFinite(ms) ? `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${fallback}>` : fallback;
}

/** "2026-12-03 10:00 UTC": for the header, which is plain text and so cannot hold a Slack date. */
function utcMinute(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC` : fit(escape(iso), 40);
}

function mrkdwn(text: string): SlackMrkdwn {
  return { type: "mrkdwn", text };
}

function short(text: string): string {
  return fit(escape(text), NAME_CHARS);
}

/** Slack's documented escaping: only these three are control characters (links, mentions). */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A URL inside `<url|label>`: escaped, and a `|` encoded so the label cannot start early. */
function escapeUrl(url: string): string {
  return escape(url).replace(/\|/g, "%7C");
}

/**
 * Escaped text cut to `max` characters with "…" when it is longer. Every `&` in escaped text
 * starts an entity, so one without its `;` was cut in half and goes too; so does half a
 * surrogate pair.
 */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf("&");
  if (amp >= 0 && !cut.includes(";", amp)) cut = cut.slice(0, amp);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
