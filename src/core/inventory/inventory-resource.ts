/**
 * One resource an environment holds, as its Terraform state says after an apply: what it is,
 * where it sits in the module tree, the cloud's own id for it, and what it depends on.
 * Sensitive attributes are never kept (the state marks them); the rest is data to search by.
 */
export interface InventoryResource {
  /** "module.site.aws_s3_bucket.site" */
  address: string;
  /** "aws_s3_bucket" */
  type: string;
  /** "registry.terraform.io/hashicorp/aws" */
  provider: string;
  /** "module.site"; absent in the root module. */
  module?: string;
  /** The provider's id for it (a bucket's name, an instance id). */
  cloudId?: string;
  /** The AWS ARN, when the resource has one. */
  arn?: string;
  /** Addresses of the resources it depends on (Terraform's recorded dependencies). */
  dependsOn: string[];
  /** Its attributes without the sensitive ones, values shortened (see MAX_ATTRIBUTE_TEXT). */
  attributes: Record<string, unknown>;
}

/** A resource found by `envbot find`, with the environment that holds it. */
export interface FoundResource {
  repository: string;
  environment: string;
  resource: InventoryResource;
  /** What matched: "arn", "id", "type", "address" or the attribute's name. */
  matched: string;
}

/**
 * Whether a resource answers a search: its ARN, cloud id, type or address is the query, or one
 * of its attributes (at the top level, or one level down) has it as its value; "KEY=VALUE"
 * asks for that attribute only. Returns what matched, or undefined.
 */
export function matchResource(resource: InventoryResource, query: string): string | undefined {
  const pair = /^([A-Za-z0-9_.]+)=(.*)$/.exec(query);
  if (pair) {
    const [, key, value] = pair;
    return String(attributeAt(resource.attributes, key!)) === value ? key : undefined;
  }
  if (resource.arn === query) return "arn";
  if (resource.cloudId === query) return "id";
  if (resource.type === query) return "type";
  if (resource.address === query) return "address";
  for (const [key, value] of Object.entries(resource.attributes)) {
    if (scalarEquals(value, query)) return key;
    if (value !== null && typeof value === "object") {
      for (const [inner, item] of Object.entries(value)) if (scalarEquals(item, query)) return `${key}.${inner}`;
    }
  }
  return undefined;
}

function attributeAt(attributes: Record<string, unknown>, path: string): unknown {
  let value: unknown = attributes;
  for (const key of path.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function scalarEquals(value: unknown, query: string): boolean {
  return (typeof value === "string" || typeof value === "number" || typeof value === "boolean") && String(value) === query;
}
