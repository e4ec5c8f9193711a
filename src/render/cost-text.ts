import type { HourlyPrice, MonthlyCostReport } from "../core/cost/index.js";
import { parseDuration } from "../core/environment/duration.js";
import type { LifetimeReport } from "../core/pull-requests/pull-request-report.js";

/** "$0.05", "$1,234.50"; small prices keep a third decimal ("$0.004"). */
export function formatDollars(value: number): string {
  const digits = value > 0 && value < 0.01 ? 3 : 2;
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits })}`;
}

/**
 * The plan comment's cost line: "Cost: about $0.05/hour, $1.20/day; expires after 72h: about
 * $3.60 in all (declared in template.yaml)."
 */
export function formatCostEstimate(price: HourlyPrice, lifetime?: LifetimeReport): string {
  const parts = [`about ${formatDollars(price.hourly)}/hour, ${formatDollars(price.hourly * 24)}/day`];
  if (lifetime?.kind === "ttl") parts.push(`expires after ${lifetime.ttl}: about ${formatDollars((price.hourly * parseDuration(lifetime.ttl)) / 3_600_000)} in all`);
  const source = price.source === "template" ? "declared in template.yaml" : `estimated from its resource types${price.unpriced ? `; no price for ${price.unpriced.join(", ")}` : ""}`;
  return `Cost: ${parts.join("; ")} (${source}).`;
}

/** `envbot cost`: a table, the most expensive first, with the total. */
export function formatCostReport(report: MonthlyCostReport): string {
  if (report.rows.length === 0) return `No environment existed in ${report.month}.`;
  const header = [report.by.toUpperCase(), "ENVIRONMENTS", "HOURS", "COST"];
  const rows = report.rows.map((row) => [row.group, String(row.environments), row.hours.toFixed(2), formatDollars(row.cost)]);
  const total = ["total", String(report.total.environments), report.total.hours.toFixed(2), formatDollars(report.total.cost)];
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
  const lines = [[report.by, "environments", "hours", "cost_usd"], ...report.rows.map((row) => [row.group, String(row.environments), row.hours.toFixed(2), row.cost.toFixed(2)])];
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
