import type { InventoryResource } from "../../core/inventory/index.js";

/** The parts of `terraform show -json` (the state, no plan file) we read (format_version 1.x). */
interface StateJson {
  values?: { root_module?: ModuleJson };
}
interface ModuleJson {
  address?: string;
  resources?: ResourceJson[];
  child_modules?: ModuleJson[];
}
interface ResourceJson {
  address: string;
  mode: string;
  type: string;
  provider_name?: string;
  values?: Record<string, unknown>;
  sensitive_values?: unknown;
  depends_on?: string[];
}

/** A longer attribute text is cut (policy documents, rendered files): the inventory is for finding things. */
export const MAX_ATTRIBUTE_TEXT = 1000;
/** Attributes of one resource kept at most, as JSON text. */
export const MAX_ATTRIBUTES_JSON = 32 * 1024;

/**
 * The managed resources of a state (data sources are read, not held), each with its cloud id,
 * ARN and dependencies, and its attributes without those the state marks sensitive.
 */
export function summarizeStateJson(json: unknown): InventoryResource[] {
  const resources: InventoryResource[] = [];
  const visit = (module: ModuleJson | undefined) => {
    if (!module) return;
    for (const resource of module.resources ?? []) {
      if (resource.mode !== "managed") continue;
      const values = resource.values ?? {};
      const attributes = shortened(withoutSensitive(values, resource.sensitive_values));
      resources.push({
        address: resource.address,
        type: resource.type,
        provider: resource.provider_name ?? "",
        ...(module.address && { module: module.address }),
        ...(typeof values.id === "string" && values.id !== "" && !sensitivePath(resource.sensitive_values, "id") && { cloudId: values.id }),
        ...(typeof values.arn === "string" && values.arn !== "" && !sensitivePath(resource.sensitive_values, "arn") && { arn: values.arn }),
        dependsOn: [...(resource.depends_on ?? [])].sort(),
        attributes: JSON.stringify(attributes).length <= MAX_ATTRIBUTES_JSON ? attributes : { note: "attributes too large to keep" },
      });
    }
    for (const child of module.child_modules ?? []) visit(child);
  };
  visit((json as StateJson | undefined)?.values?.root_module);
  // Code-point order, as the stores sort addresses.
  return resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

function sensitivePath(sensitive: unknown, key: string): boolean {
  return sensitive !== null && typeof sensitive === "object" && (sensitive as Record<string, unknown>)[key] !== undefined && (sensitive as Record<string, unknown>)[key] !== false;
}

/** The value with every part the mask marks `true` left out (Terraform's sensitive_values mirrors the value). */
function withoutSensitive(value: unknown, mask: unknown): unknown {
  if (mask === true) return undefined;
  if (Array.isArray(value)) return value.map((item, i) => withoutSensitive(item, Array.isArray(mask) ? mask[i] : undefined)).filter((item) => item !== undefined);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const kept = withoutSensitive(item, mask !== null && typeof mask === "object" ? (mask as Record<string, unknown>)[key] : undefined);
      if (kept !== undefined) out[key] = kept;
    }
    return out;
  }
  return value;
}

function shortened(value: unknown): Record<string, unknown> {
  const cut = (item: unknown): unknown => {
    if (typeof item === "string") return item.length > MAX_ATTRIBUTE_TEXT ? `${item.slice(0, MAX_ATTRIBUTE_TEXT)}…` : item;
    if (Array.isArray(item)) return item.map(cut);
    if (item !== null && typeof item === "object") return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, cut(inner)]));
    return item;
  };
  return (cut(value) ?? {}) as Record<string, unknown>;
}
