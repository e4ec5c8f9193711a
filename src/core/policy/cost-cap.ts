import { round } from "../planning/hourly-price.js";

/** The hours of the month an owner's estimate covers: 30 days and a bit, as Infracost's monthly figures count (730). */
export const ESTIMATE_HOURS = 730;

/** One of an owner's environments as the cost cap sees it: its price per hour (when a plan recorded one) and the hours it has left. */
export interface EnvironmentCost {
  environment: string;
  /** Unknown until a plan of it succeeded. */
  hourly: number | undefined;
  /** Hours it runs within the estimate: until it expires, at most ESTIMATE_HOURS. */
  hours: number;
}

/** An owner's estimated spend over the next ESTIMATE_HOURS, and which environments have no price yet. */
export function ownerEstimate(environments: readonly EnvironmentCost[]): { total: number; unpriced: string[] } {
  let total = 0;
  const unpriced: string[] = [];
  for (const environment of environments) {
    if (environment.hourly === undefined) unpriced.push(environment.environment);
    else total += environment.hourly * Math.max(0, Math.min(ESTIMATE_HOURS, environment.hours));
  }
  return { total: round(total), unpriced };
}

/** How many hours of the estimate an environment runs, from what its definition says about its end. */
export function hoursAhead(end: { ttlMs?: number; expiresAt?: Date }, now: Date): number {
  const ms = end.expiresAt !== undefined ? end.expiresAt.getTime() - now.getTime() : end.ttlMs;
  return ms === undefined ? ESTIMATE_HOURS : Math.max(0, Math.min(ESTIMATE_HOURS, ms / 3_600_000));
}
