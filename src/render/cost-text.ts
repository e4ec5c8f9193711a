import type { CostGrouping, MonthlyCostReport } from "../core/cost/index.js";
import type { HourlyPrice } from "../core/planning/index.js";
import { parseDuration } from "../core/duration/duration.js";
import type { HibernationReport, LifetimeReport } from "../core/ports/pull-request-report.js";
import { codeSpan, escapeMarkdown } from "./markdown.js";

/** "$0.05", "$1,234.50"; small prices keep a third decimal ("$0.004"). */
export function formatDollars(value: number): string {
  const digits = value > 0 && value < 0.01 ? 3 : 2;
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits })}`;
}

/** Resources the plan comment lists under an Infracost price, the most expensive first. */
export const COMMENT_COSTLIEST_RESOURCES_SHOWN = 5;
/** An address longer than this (a for_each key can be any text) is cut in the list. */
const ADDRESS_SHOWN_CHARS = 100;

/**
 * The plan comment's cost line: "Cost: about $0.05/hour, $1.20/day; expires after 72h: about
 * $3.60 in all (declared in template.yaml)." Under Infracost's price, its most expensive
 * resources follow as a list.
 */
export function formatCostEstimate(price: HourlyPrice, lifetime?: LifetimeReport): string {
  const parts = [`about ${formatDollars(price.hourly)}/hour, ${formatDollars(price.hourly * 24)}/day`];
  if (lifetime?.kind === "ttl") parts.push(`expires after ${lifetime.ttl}: about ${formatDollars((price.hourly * parseDuration(lifetime.ttl)) / 3_600_000)} in all`);
  const line = `Cost: ${parts.join("; ")} (${describePriceSource(price)}).`;
  const costliest = price.breakdown?.resources.slice(0, COMMENT_COSTLIEST_RESOURCES_SHOWN) ?? [];
  if (costliest.length === 0) return line;
  return [`${line} The most expensive resources:`, ...costliest.map((r) => `- ${codeSpan(shortenAddress(r.address))}: ${formatHourlyRate(r.hourly)}/hour`)].join("\n");
}

/** Weeks in an average month (365.25 / 12 / 7). */
const WEEKS_PER_MONTH = 365.25 / 12 / 7;

/**
 * "Hibernation: awake mon-fri 08:00-19:00 (Europe/Berlin); asleep 113 hours a week, destroyed until
 * it wakes: saves about $X a month." The saving is the plan's hourly price for the hours asleep;
 * one that sleeps with sleep values still runs something, so its saving is not guessed.
 */
export function formatHibernation(hibernation: HibernationReport, price?: HourlyPrice): string {
  const asleep = `asleep ${hibernation.asleepHoursPerWeek.toLocaleString("en-US", { maximumFractionDigits: 1 })} hours a week`;
  if (hibernation.form === "sleep-values") return `Hibernation: ${hibernation.schedule}; ${asleep}, with its template's sleep values (the saving depends on them).`;
  const saving = price ? `: saves about ${formatDollars(price.hourly * hibernation.asleepHoursPerWeek * WEEKS_PER_MONTH)} a month` : "";
  return `Hibernation: ${hibernation.schedule}; ${asleep}, destroyed until it wakes${saving}.`;
}

function describePriceSource(price: HourlyPrice): string {
  switch (price.source) {
    case "template":
      return "declared in template.yaml";
    case "infracost":
      return "Infracost";
    case "estimate": {
      // The reason comes from Infracost's output: shown as text, without its closing full stop.
      const from = price.fallback ? `estimated from envbot's price table; ${escapeMarkdown(price.fallback).replace(/\.+$/, "")}` : "estimated from its resource types";
      return `${from}${price.unpriced ? `; no price for ${price.unpriced.join(", ")}` : ""}`;
    }
  }
}

/** "$0.0123": a resource's share of an hour needs four decimals. */
function formatHourlyRate(value: number): string {
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
}

function shortenAddress(address: string): string {
  return address.length > ADDRESS_SHOWN_CHARS ? `${address.slice(0, ADDRESS_SHOWN_CHARS - 1)}…` : address;
}

/** `envbot cost`: a table, the most expensive first, with the total. */
export function formatCostReport(report: MonthlyCostReport): string {
  if (report.rows.length === 0) return `No environment existed in ${report.month}.`;
  // What sleeping saved, beside the cost, once anything slept (hibernation).
  const saving = report.total.saved !== undefined;
  const header = [report.by.toUpperCase(), "ENVIRONMENTS", "HOURS", "COST", ...(saving ? ["SAVED ASLEEP"] : [])];
  const rows = report.rows.map((row) => [row.group, String(row.environments), row.hours.toFixed(2), formatDollars(row.cost), ...(saving ? [formatDollars(row.saved ?? 0)] : [])]);
  const total = ["total", String(report.total.environments), report.total.hours.toFixed(2), formatDollars(report.total.cost), ...(saving ? [formatDollars(report.total.saved ?? 0)] : [])];
  const all = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [`Cost of ${report.month} by ${report.by} (UTC; environment-hours from first apply to destroy):`, line(header), ...rows.map(line), line(total)].join("\n");
}

/**
 * The report as CSV (RFC 4180: CRLF lines, quoted where needed), numbers plain so a spreadsheet
 * sums them; a text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with '.
 */
export function costReportCsv(report: MonthlyCostReport): string {
  const saving = report.total.saved !== undefined;
  const lines = [
    [report.by, "environments", "hours", "cost_usd", ...(saving ? ["saved_usd"] : [])],
    ...report.rows.map((row) => [row.group, String(row.environments), row.hours.toFixed(2), row.cost.toFixed(2), ...(saving ? [(row.saved ?? 0).toFixed(2)] : [])]),
  ];
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
