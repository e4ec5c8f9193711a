import type { PricedResource } from "../../core/planning/index.js";

/** What envbot takes from `infracost breakdown --format json`. */
export interface InfracostBreakdown {
  hourly: number;
  monthly: number;
  /** ISO 4217, as Infracost priced (INFRACOST_CURRENCY; USD by default). */
  currency: string;
  /** Each resource with a price, the costliest first; usage-based ones without a price are left out. */
  resources: PricedResource[];
}

export type InfracostParse = { ok: true; breakdown: InfracostBreakdown } | { ok: false; reason: string };

/** Infracost's monthly figures are 730 hours. */
const HOURS_PER_MONTH = 730;

interface InfracostJson {
  currency?: unknown;
  totalHourlyCost?: unknown;
  totalMonthlyCost?: unknown;
  projects?: unknown;
}

/**
 * Reads Infracost's JSON output (format 0.2: costs are decimal strings, null when usage-based
 * and no usage is given; a resource's `name` is its address, a later format adds `address`).
 * A total Infracost left null is the sum of the resources it priced. Output that is not
 * Infracost's says so, never a price of 0.
 */
export function parseInfracostOutput(stdout: string): InfracostParse {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return { ok: false, reason: "its output is not JSON" };
  }
  if (!isObject(json)) return { ok: false, reason: "its output is not an Infracost breakdown" };
  const root = json as InfracostJson;
  if (!Array.isArray(root.projects) && !("totalHourlyCost" in root)) return { ok: false, reason: "its output is not an Infracost breakdown (no projects, no totals)" };

  const resources: PricedResource[] = [];
  for (const project of Array.isArray(root.projects) ? root.projects : []) {
    const listed = isObject(project) && isObject(project.breakdown) && Array.isArray(project.breakdown.resources) ? project.breakdown.resources : [];
    for (const resource of listed) {
      if (!isObject(resource)) continue;
      const address = typeof resource.address === "string" ? resource.address : typeof resource.name === "string" ? resource.name : undefined;
      const hourly = costOf(resource.hourlyCost);
      if (address !== undefined && hourly !== undefined) resources.push({ address, hourly });
    }
  }
  resources.sort((a, b) => b.hourly - a.hourly || a.address.localeCompare(b.address));
  const hourly = costOf(root.totalHourlyCost) ?? resources.reduce((sum, r) => sum + r.hourly, 0);
  return {
    ok: true,
    breakdown: {
      hourly,
      monthly: costOf(root.totalMonthlyCost) ?? hourly * HOURS_PER_MONTH,
      currency: typeof root.currency === "string" && /^[A-Z]{3}$/.test(root.currency) ? root.currency : "USD",
      resources,
    },
  };
}

/** "0.0123" (or 0.0123) → 0.0123; null, "", negative or not a number → undefined. */
function costOf(value: unknown): number | undefined {
  const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
