import type { InventoryResource } from "./inventory-resource.js";

/** A cloud resource as the provider's tag index lists it. */
export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

/** A resource tagged for an environment of the repository that no environment's state holds. */
export interface Orphan {
  /** The environment its envbot:environment tag names. */
  environment: string;
  arn: string;
  tags: Record<string, string>;
}

/**
 * The resources carrying the repository's envbot tags that are in no environment's inventory:
 * left behind by a failed destroy, or made by hand with copied tags. A resource is known by its
 * ARN, or by its cloud id when the state records no ARN for it. Never deleted, only reported.
 */
export function findOrphans(repository: string, tagged: readonly TaggedResource[], inventories: readonly (readonly InventoryResource[])[]): Orphan[] {
  const known = new Set<string>();
  for (const inventory of inventories) {
    for (const resource of inventory) {
      if (resource.arn) known.add(resource.arn);
      if (resource.cloudId) known.add(resource.cloudId);
    }
  }
  return tagged
    .filter((resource) => resource.tags["envbot:repository"] === repository && resource.tags["envbot:environment"] !== undefined)
    .filter((resource) => !known.has(resource.arn) && !known.has(lastArnPart(resource.arn)))
    .map((resource) => ({ environment: resource.tags["envbot:environment"]!, arn: resource.arn, tags: resource.tags }))
    .sort((a, b) => (a.environment === b.environment ? (a.arn < b.arn ? -1 : 1) : a.environment < b.environment ? -1 : 1));
}

/** "arn:aws:ec2:us-east-1:123:instance/i-0abc" → "i-0abc"; "arn:aws:s3:::bucket" → "bucket". */
function lastArnPart(arn: string): string {
  const resource = arn.split(":").slice(5).join(":");
  return resource.split("/").at(-1) ?? resource;
}
