import type { AttributeChange, AttributeSource } from "../../core/planning/index.js";
import { valueAt } from "../../core/json/value-at.js";
import { MODULE_NAME } from "./root-module-names.js";

// Which template variables a drifted attribute's configuration reads: the plan JSON's
// `configuration` holds each resource's expressions with their references (per top-level
// attribute, or per attribute of a nested block). What the drifted values mean for the
// definition (which variable, at which key) is the core's to decide (core/drift-answers).

/** The parts of the plan JSON's configuration we read. */
export interface ConfigurationJson {
  root_module?: ConfigModule;
}
interface ConfigModule {
  resources?: { address: string; expressions?: Record<string, unknown> }[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}
interface RawChange {
  before?: unknown;
  after?: unknown;
}

/**
 * The attributes of one drifted resource, each with its `source` when its expression reads
 * template variables: only resources of the template module itself (not of modules it calls),
 * never a sensitive attribute.
 */
export function withSources(configuration: ConfigurationJson | undefined, address: string, change: RawChange, attributes: AttributeChange[]): AttributeChange[] {
  const prefix = `module.${MODULE_NAME}.`;
  if (!address.startsWith(prefix)) return attributes;
  const configAddress = address.slice(prefix.length).replace(/\[[^\]]*\]$/, "");
  const resource = configuration?.root_module?.module_calls?.[MODULE_NAME]?.module?.resources?.find((r) => r.address === configAddress);
  if (!resource?.expressions) return attributes;
  return attributes.map((attribute) => {
    if (attribute.sensitive) return attribute;
    const segments = segmentsOf(attribute.path, change.before, change.after);
    const source = segments && sourceOf(resource.expressions!, segments, change);
    return source ? { ...attribute, source } : attribute;
  });
}

function sourceOf(expressions: Record<string, unknown>, segments: (string | number)[], change: RawChange): AttributeSource | undefined {
  let node: unknown = expressions[String(segments[0])];
  let depth = 1;
  // Down through nested blocks (lists of objects of expressions) to the attribute's expression.
  while (!isExpression(node) && depth < segments.length) {
    const segment = segments[depth]!;
    node = valueAt(node, [segment]);
    depth += 1;
  }
  if (!isExpression(node) || !Array.isArray(node.references)) return undefined;
  const variables = [...new Set(node.references.flatMap((reference) => /^var\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(String(reference))?.[1] ?? []))];
  if (variables.length === 0) return undefined;
  return { variables, within: segments.slice(depth), before: valueAt(change.before, segments), after: valueAt(change.after, segments) };
}

/** An expression (not a block of them): what Terraform writes for an attribute's value. */
function isExpression(node: unknown): node is { references?: unknown[]; constant_value?: unknown } {
  return isObject(node) && !Array.isArray(node) && ("references" in node || "constant_value" in node);
}

/**
 * The path "tags.team" or "index_document[0].suffix" as segments, read against the values it was
 * written from (a map key may hold a dot): undefined when it does not lead anywhere.
 */
export function segmentsOf(path: string, ...values: unknown[]): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  let rest = path;
  let nodes = values;
  while (rest !== "") {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (index && nodes.some(Array.isArray)) {
      const at = Number(index[1]);
      segments.push(at);
      nodes = nodes.map((n) => valueAt(n, [at]));
      rest = rest.slice(index[0].length);
      continue;
    }
    // The longest key of either value that the rest of the path starts with, whole.
    const keys = [...new Set(nodes.flatMap((n) => (isObject(n) && !Array.isArray(n) ? Object.keys(n) : [])))];
    const key = keys
      .filter((k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) return undefined;
    segments.push(key);
    nodes = nodes.map((n) => valueAt(n, [key]));
    rest = rest.slice(key.length).replace(/^\./, "");
  }
  return segments;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
