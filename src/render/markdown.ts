import type { LockHolder } from "../core/ports/index.js";
// Small GitHub-markdown building blocks shared by the comment and check run renderers. Text that
// comes from users or Terraform (plans, logs, addresses, names) must never change the structure
// around it, so it goes into fences and code spans that it cannot close.

/** The longest run of backticks in the text (a loop: plans can hold many runs). */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A fenced block the text cannot close: the fence is longer than any backtick run inside. */
export function fenceText(text: string, info = "text"): string {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${info}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

/** Inline code that shows the text literally, whatever backticks it holds; one line only. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, " ");
  const ticks = "`".repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** Prose from elsewhere (a failure reason) shown as text, not interpreted as markdown or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|~#]/g, (c) => `\\${c}`);
}

/** A folded block: the summary line is shown, the body opens on a click. */
export function foldDetails(summary: string, body: string): string {
  // The blank lines let GitHub render the markdown inside the HTML block.
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** "2024-05-01 10:00 UTC": the same for every reader and every snapshot. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "Tuesday, 1 December 2026 at 10:00 UTC": spelled out, not locale-dependent, so snapshots hold. */
export function formatHumanDate(date: Date): string {
  const time = date.toISOString().slice(11, 16);
  return `${WEEKDAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} at ${time} UTC`;
}

/** "2026-12-01T10:00:00Z": ISO 8601 without the milliseconds nobody set. */
export function formatIsoDate(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

/** A lock holder in plain text, for titles. */
export function nameLockHolder(holder: LockHolder): string {
  return holder.kind === "pull-request" ? `#${holder.number}` : `${holder.user} on the command line`;
}

/** A lock holder as readers know it: "#12" links the pull request. */
export function formatLockHolder(holder: LockHolder): string {
  return holder.kind === "pull-request" ? `#${holder.number}` : `${codeSpan(holder.user)} on the command line`;
}

export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}

export interface ShortenedText {
  text: string;
  /** Lines left out, 0 when the text is whole. */
  omitted: number;
  total: number;
}

/**
 * Whole lines of the text, from its start ("head": a plan) or its end ("tail": a log, whose
 * error is at the bottom), at most maxChars long; the caller says what was left out.
 */
export function shortenLines(text: string, maxChars: number, keep: "head" | "tail"): ShortenedText {
  const lines = text.replace(/\n+$/, "").split("\n");
  if (text.length <= maxChars) return { text, omitted: 0, total: lines.length };
  const kept = fitItems(keep === "head" ? lines : [...lines].reverse(), maxChars);
  if (keep === "tail") kept.reverse();
  return { text: kept.join("\n"), omitted: lines.length - kept.length, total: lines.length };
}

/** As many whole items as fit maxChars (joined by newlines), in order. */
export function fitItems(items: readonly string[], maxChars: number): string[] {
  const kept: string[] = [];
  let length = 0;
  for (const item of items) {
    const next = length + item.length + (kept.length > 0 ? 1 : 0);
    if (next > maxChars) break;
    kept.push(item);
    length = next;
  }
  return kept;
}

/**
 * The last resort for a section that is still too long: cut at a line boundary and close what
 * the cut left open (a fence, <details>), then say so. The result is at most maxChars long.
 */
export function cutMarkdown(markdown: string, maxChars: number, notice: string): string {
  if (markdown.length <= maxChars) return markdown;
  // Room for the closing fence, the closing tags and the notice.
  const room = maxChars - notice.length - longestBacktickRun(markdown) - 200;
  const out: string[] = [];
  let length = 0;
  let openFence: string | undefined;
  let openDetails = 0;
  for (const line of markdown.split("\n")) {
    if (length + line.length + 1 > room) {
      const rest = room - length - 1;
      if (rest > 80) out.push(line.slice(0, rest));
      break;
    }
    out.push(line);
    length += line.length + 1;
    const fence = /^ {0,3}(`{3,})/.exec(line)?.[1];
    if (openFence !== undefined) {
      if (fence !== undefined && fence.length >= openFence.length && line.trim() === fence) openFence = undefined;
    } else if (fence !== undefined) {
      openFence = fence;
    } else {
      openDetails += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    }
  }
  const closing = [...(openFence ? [openFence] : []), ...Array.from({ length: Math.min(Math.max(openDetails, 0), 10) }, () => "\n</details>")];
  return [...out, ...closing, "", notice].join("\n");
}
