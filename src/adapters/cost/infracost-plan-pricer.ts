import { BREAKDOWN_RESOURCES_KEPT, round, tableEstimate, type HourlyPrice } from "../../core/planning/index.js";
import type { PlanPricer } from "../terraform/cli-terraform-runner.js";
import { infracostBreakdown } from "./infracost-breakdown.js";

export interface InfracostPricerSettings {
  binary: string;
  serverEnv: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/**
 * The Terraform runner's pricing of a plan by Infracost: its hourly total, monthly total and most
 * expensive resources. When Infracost cannot price it, envbot's price table does, and the
 * estimate says why Infracost's price is missing.
 */
export function infracostPlanPricer(settings: InfracostPricerSettings): PlanPricer {
  return async ({ json, resourceAddresses, workDir, redact, signal }): Promise<HourlyPrice> => {
    const outcome = await infracostBreakdown(json, { ...settings, workDir, redact, signal });
    if (!outcome.ok) return { ...tableEstimate(resourceAddresses), fallback: outcome.reason };
    const { hourly, monthly, currency, resources } = outcome.breakdown;
    // Every price envbot keeps is in dollars (the chargeback report adds them up).
    if (currency !== "USD") return { ...tableEstimate(resourceAddresses), fallback: `infracost priced in ${currency}, envbot counts US dollars (unset INFRACOST_CURRENCY)` };
    const costliest = resources
      .map((resource) => ({ address: resource.address, hourly: round(resource.hourly, 4) }))
      .filter((resource) => resource.hourly > 0)
      .slice(0, BREAKDOWN_RESOURCES_KEPT);
    return { hourly: round(hourly, 4), source: "infracost", breakdown: { monthly: round(monthly, 2), resources: costliest } };
  };
}
