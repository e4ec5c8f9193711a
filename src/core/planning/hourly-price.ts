/**
 * A small table of on-demand prices (US dollars per hour, us-east-1, rounded up) for the
 * resource types the starter templates use, so that a template without a declared `cost` still
 * gets an estimate. Storage and requests are priced as a small steady amount per resource.
 * A type not in the table counts nothing: the estimate says how many it could not price.
 */
export const PRICE_TABLE: Readonly<Record<string, number>> = {
  terraform_data: 0,
  aws_s3_bucket: 0.002,
  aws_s3_bucket_website_configuration: 0,
  aws_s3_object: 0.0001,
  aws_s3_bucket_policy: 0,
  aws_s3_bucket_public_access_block: 0,
  aws_instance: 0.0104,
  aws_db_instance: 0.017,
  aws_lb: 0.0225,
  aws_nat_gateway: 0.045,
};

/** What an environment costs per hour, and where the figure comes from. */
export interface HourlyPrice {
  hourly: number;
  /**
   * "template": template.yaml's cost.hourly; "infracost": Infracost's breakdown of the plan;
   * "estimate": the price table over the planned resources.
   */
  source: "template" | "estimate" | "infracost";
  /** Resource types the table has no price for (an estimate counts them as free). */
  unpriced?: string[];
  /** Infracost's figures beyond the hourly total; kept small, since every plan's summary stores it. */
  breakdown?: PriceBreakdown;
  /** An estimate made because Infracost could not price the plan, and why ("infracost failed: ..."). */
  fallback?: string;
}

export interface PriceBreakdown {
  /** Infracost's monthly total (730 hours). */
  monthly: number;
  /** The most expensive resources, the costliest first (at most BREAKDOWN_RESOURCES_KEPT). */
  resources: PricedResource[];
}

export interface PricedResource {
  /** The resource instance's address, as the plan names it. */
  address: string;
  hourly: number;
}

/** Resources a breakdown keeps: enough for the comment's list, small enough to store with every plan. */
export const BREAKDOWN_RESOURCES_KEPT = 10;

/**
 * The price a plan is shown and recorded at: the template's declared price, else the one the
 * Terraform runner priced the plan at (Infracost's, or the table's estimate with the reason
 * Infracost failed), else the table's estimate over the resources the plan holds (configuration
 * addresses).
 */
export function hourlyPrice(template: { hourlyCost?: number }, resourceAddresses: readonly string[], priced?: HourlyPrice): HourlyPrice {
  if (template.hourlyCost !== undefined) return { hourly: template.hourlyCost, source: "template" };
  if (priced !== undefined) return priced;
  return tableEstimate(resourceAddresses);
}

/** The price table's estimate: the sum of each resource's type's price. */
export function tableEstimate(resourceAddresses: readonly string[]): HourlyPrice {
  let hourly = 0;
  const unpriced = new Set<string>();
  for (const address of resourceAddresses) {
    const type = resourceType(address);
    const price = PRICE_TABLE[type];
    if (price === undefined) unpriced.add(type);
    else hourly += price;
  }
  return { hourly: round(hourly, 4), source: "estimate", ...(unpriced.size > 0 && { unpriced: [...unpriced].sort() }) };
}

/** "module.site.aws_s3_bucket.site" → "aws_s3_bucket". */
function resourceType(address: string): string {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  return parts.at(-2) ?? address;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
