/** The configuration part of `terraform show -json PLANFILE`: resources per module, with their references. */
interface ConfigModule {
  resources?: { address: string; mode: string; depends_on?: string[]; expressions?: unknown; count_expression?: unknown; for_each_expression?: unknown }[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

/**
 * What each managed resource of the planned configuration depends on: the resources its
 * arguments refer to and its depends_on, in its own module (references between modules go
 * through outputs and are left out). Addresses are the configuration's (no instance keys).
 */
export function planDependencies(json: unknown): Record<string, string[]> {
  const dependencies: Record<string, string[]> = {};
  const visit = (module: ConfigModule | undefined, prefix: string) => {
    if (!module) return;
    const resources = (module.resources ?? []).filter((r) => r.mode === "managed");
    const local = resources.map((r) => r.address);
    for (const resource of resources) {
      const references = [...collectReferences([resource.expressions, resource.count_expression, resource.for_each_expression]), ...(resource.depends_on ?? [])];
      const targets = new Set<string>();
      for (const reference of references) {
        const target = local.find((address) => address !== resource.address && (reference === address || reference.startsWith(`${address}.`) || reference.startsWith(`${address}[`)));
        if (target) targets.add(`${prefix}${target}`);
      }
      dependencies[`${prefix}${resource.address}`] = [...targets].sort();
    }
    for (const [name, call] of Object.entries(module.module_calls ?? {})) visit(call.module, `${prefix}module.${name}.`);
  };
  visit((json as { configuration?: { root_module?: ConfigModule } } | undefined)?.configuration?.root_module, "");
  return dependencies;
}

/** Every string in a `references` list anywhere inside the expressions. */
function collectReferences(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectReferences(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "references" && Array.isArray(item)) found.push(...item.filter((r): r is string => typeof r === "string"));
      else collectReferences(item, found);
    }
  }
  return found;
}
