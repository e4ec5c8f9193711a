import type { FoundResource, InventoryResource } from "../core/inventory/index.js";
import { formatCertificates, type CertificateView } from "./certificate-view.js";
import { formatResourceGraph } from "./resource-graph.js";
import { columns, printable } from "./terminal-text.js";

// What `envbot inventory` and `envbot find` print, and the shapes the API answers them with
// (GET /api/v1/environments/{owner}/{repo}/{name}/inventory, GET /api/v1/resources). The commands
// read those shapes from this machine's store or from a remote envbot, and print them alike.

/** A resource as the API and `--json` have it (src/access/api/openapi-document.ts: InventoryResource): absent as null. */
export interface InventoryResourceView {
  address: string;
  type: string;
  provider: string;
  module: string | null;
  cloudId: string | null;
  arn: string | null;
  dependsOn: string[];
  attributes: Record<string, unknown>;
}

/** An environment's resources, by address, and their dependencies as a Mermaid flowchart (null when there are none). */
export interface InventoryView {
  items: InventoryResourceView[];
  graph: string | null;
  /** The certificates envbot issued for it (never a key); absent when it has none. */
  certificates?: CertificateView[];
}

/** A resource `find` found (src/access/api/openapi-document.ts: FoundResource). */
export interface FoundResourceView {
  repository: string;
  environment: string;
  /** What matched: "arn", "id", "type", "address" or the attribute's name. */
  matched: string;
  resource: InventoryResourceView;
}

/** Shown for an id, an ARN or dependencies a resource does not have. */
const NONE = "—";

export function inventoryResourceView(resource: InventoryResource): InventoryResourceView {
  return {
    address: resource.address,
    type: resource.type,
    provider: resource.provider,
    module: resource.module ?? null,
    cloudId: resource.cloudId ?? null,
    arn: resource.arn ?? null,
    dependsOn: [...resource.dependsOn],
    attributes: resource.attributes,
  };
}

/** The answer of the inventory route, and what `inventory --json` prints, locally and remotely alike. */
export function inventoryView(resources: readonly InventoryResource[], certificates: readonly CertificateView[] = []): InventoryView {
  const graph = formatResourceGraph(Object.fromEntries(resources.map((resource) => [resource.address, resource.dependsOn])));
  // Only an environment with certificates has the field: the view's shape stays as it was for all others.
  return { items: resources.map(inventoryResourceView), graph: graph ?? null, ...(certificates.length > 0 && { certificates: [...certificates] }) };
}

export function foundResourceView(found: FoundResource): FoundResourceView {
  return { repository: found.repository, environment: found.environment, matched: found.matched, resource: inventoryResourceView(found.resource) };
}

/** An environment the store does not know, said as the API says it (a 404's detail). */
export function unknownEnvironmentText(name: string, repository: string): string {
  return `envbot has no environment ${name} in ${repository}`;
}


/** A dependency as read from a resource of `module`: relative to that module when it is in it. */
function relativeTo(module: string | null, address: string): string {
  return module !== null && address.startsWith(`${module}.`) ? address.slice(module.length + 1) : address;
}

/**
 * What `envbot inventory` prints: a heading and one resource a line (address, type, the cloud's
 * id, the ARN, what it depends on), or a sentence when the environment holds none.
 * `repository` is as people read it (see displayRepository).
 */
export function formatInventory(input: { name: string; repository: string; items: readonly InventoryResourceView[]; certificates?: readonly CertificateView[] }): string {
  const certificates = formatCertificates(input.certificates ?? []);
  const after = certificates.length > 0 ? ["", ...certificates] : [];
  if (input.items.length === 0) return [`${input.name} holds no resources (never applied, or destroyed).`, ...after].join("\n");
  const rows = input.items.map((r) =>
    [r.address, r.type, r.cloudId ?? NONE, r.arn ?? NONE, r.dependsOn.length > 0 ? r.dependsOn.map((d) => relativeTo(r.module, d)).join(", ") : NONE].map(printable),
  );
  return [`Resources of ${input.name} in ${input.repository} (${input.items.length}):`, ...columns([["ADDRESS", "TYPE", "ID", "ARN", "DEPENDS ON"], ...rows]), ...after].join("\n");
}

/**
 * What `envbot find` prints: one match a line (repository and environment, the resource's
 * address, what matched), or a sentence when nothing does. `display` shows a repository as
 * people read it (a checkout's path under the home directory as ~/...).
 */
export function formatFoundResources(input: { query: string; items: readonly FoundResourceView[]; display?: (repository: string) => string }): string {
  if (input.items.length === 0) return `No resource matches ${printable(input.query)}.`;
  const display = input.display ?? ((repository: string) => repository);
  const rows = input.items.map((found) => [`${display(found.repository)} ${found.environment}`, found.resource.address, `(matched: ${found.matched})`].map(printable));
  return columns(rows).join("\n");
}
