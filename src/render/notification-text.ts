import type { EventDelivery, TargetDeliveryStatus } from "../core/ports/index.js";
import { firstLine } from "./run-history-text.js";
import { columns, printable } from "./terminal-text.js";

// What `envbot notifications` and `envbot status` say about the deliveries of events to the
// notification targets. The command reads them as GET /api/v1/notifications has them, from this
// machine's store or from a remote envbot, and prints them alike.

/** An error is its first line, cut here: `--json` has the whole of it. */
export const NOTIFICATION_ERROR_WIDTH = 80;

/** A target of GET /api/v1/notifications (src/access/api/openapi-document.ts: Notifications). */
export interface NotificationTargetView {
  target: string;
  waiting: number;
  parked: number;
  delivered: number;
  lastDeliveredAt: string | null;
  lastError: string | null;
}

/** A parked delivery of GET /api/v1/notifications. */
export interface ParkedDeliveryView {
  target: string;
  eventId: string;
  type: string;
  repository: string;
  environment: string;
  at: string;
  attempts: number;
  lastError: string | null;
}

/** The answer of GET /api/v1/notifications, and what `notifications --json` prints. */
export interface NotificationsView {
  targets: NotificationTargetView[];
  parked: ParkedDeliveryView[];
}

/** A target's deliveries as the API has them (src/access/api/routes/notification-routes.ts). */
export function targetView(status: TargetDeliveryStatus): NotificationTargetView {
  return {
    target: status.target,
    waiting: status.waiting,
    parked: status.parked,
    delivered: status.delivered,
    lastDeliveredAt: status.lastDeliveredAt?.toISOString() ?? null,
    lastError: status.lastError ?? null,
  };
}

/** A parked delivery as the API has it. */
export function parkedView(delivery: EventDelivery): ParkedDeliveryView {
  const { event } = delivery;
  return {
    target: delivery.target,
    eventId: event.id,
    type: event.type,
    repository: event.repository,
    environment: event.environment,
    at: event.at,
    attempts: delivery.attempts,
    lastError: delivery.lastError ?? null,
  };
}


function errorCell(error: string): string {
  return printable(firstLine(error, NOTIFICATION_ERROR_WIDTH));
}

/** An event's time to the second: 2026-12-02T10:00:00Z (what is no time is shown as given). */
function formatSecond(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : `${date.toISOString().slice(0, 19)}Z`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}


/**
 * What `envbot notifications` prints: one line per target (its counts and last error), then the
 * parked deliveries, newest first, and how to retry them; or a sentence when nothing was routed.
 * `retryCommand` is the command that retries them (with --context when the list came from a server).
 * `target` is the --target the list was narrowed to.
 */
export function formatNotifications(view: NotificationsView, options: { retryCommand: string; target?: string }): string {
  if (view.targets.length === 0 && view.parked.length === 0) {
    return options.target === undefined ? "No notifications have been routed yet." : `No notifications have been routed to ${printable(options.target)} yet.`;
  }
  const targetRows = view.targets.map((t) => [
    printable(t.target),
    `${t.delivered} delivered, ${t.waiting} waiting, ${t.parked} parked`,
    t.lastError !== null ? `last error: ${errorCell(t.lastError)}` : "",
  ]);
  const lines = columns(targetRows, 3);
  if (view.parked.length > 0) {
    const parkedRows = view.parked.map((d) => [
      printable(d.target),
      printable(d.type),
      `${printable(d.repository)} ${printable(d.environment)}`,
      printable(formatSecond(d.at)),
      plural(d.attempts, "attempt", "attempts"),
      d.lastError !== null ? errorCell(d.lastError) : "",
    ]);
    lines.push("", "Parked deliveries (newest first):", ...columns(parkedRows, 2));
    const shownOf = view.targets.reduce((sum, t) => sum + t.parked, 0);
    if (shownOf > view.parked.length) lines.push(`(${view.parked.length} of ${shownOf} parked deliveries shown)`);
    lines.push(`Retry them with: ${options.retryCommand}`);
  }
  return lines.join("\n");
}

/** What `envbot notifications retry` prints: how many wait again and, from a server, of which repositories. */
export function formatRetried(retried: number, repositories?: readonly string[]): string {
  const text = plural(retried, "parked delivery waits again", "parked deliveries wait again");
  if (repositories === undefined) return text;
  if (repositories.length === 0) return `${text} (the server retries only those of repositories you may write to)`;
  return `${text}, of ${repositories.map(printable).join(", ")}`;
}

/**
 * The line `envbot status` adds when deliveries are parked, naming the targets; undefined when
 * none is. `seeCommand` is the command that shows them.
 */
export function formatParkedNotice(targets: readonly Pick<NotificationTargetView, "target" | "parked">[], seeCommand: string): string | undefined {
  const parked = targets.filter((t) => t.parked > 0);
  if (parked.length === 0) return undefined;
  const count = parked.reduce((sum, t) => sum + t.parked, 0);
  return `Notifications: ${plural(count, "parked delivery", "parked deliveries")} (${parked.map((t) => printable(t.target)).join(", ")}) — see '${seeCommand}'`;
}
