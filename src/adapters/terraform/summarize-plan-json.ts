import type { AttributeChange, OutputChange, PlanMode, PlanSummary, ResourceAction, ResourceChange } from "../../core/planning/index.js";
import type { DriftDetail } from "../../core/ports/index.js";
import { withSources, type ConfigurationJson } from "./drift-sources.js";

/** The parts of `terraform show -json PLANFILE` we read (format_version 1.x). */
interface PlanJson {
  terraform_version?: string;
  resource_changes?: RawResourceChange[];
  resource_drift?: RawResourceChange[];
  output_changes?: Record<string, RawChange>;
  relevant_attributes?: { resource: string; attribute: unknown[] }[];
  configuration?: ConfigurationJson;
}
interface RawResourceChange {
  address: string;
  change: RawChange;
}
interface RawChange {
  actions: string[];
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
}

/** How many attribute changes one resource lists at most, and how long one value may be. */
export const MAX_ATTRIBUTES_PER_RESOURCE = 50;
export const MAX_VALUE_LENGTH = 200;

export function summarizePlanJson(json: unknown, environment: string, mode: PlanMode, driftDetail: DriftDetail = "relevant"): PlanSummary {
  const plan = json as PlanJson;
  const resources = (plan.resource_changes ?? []).flatMap((r) => toResourceChange(r));
  const drift = listedDrift(plan, resources, driftDetail === "all");
  const outputs: OutputChange[] = Object.entries(plan.output_changes ?? {}).flatMap(([name, change]) => {
    const action = toAction(change.actions);
    return action ? [{ name, action, sensitive: change.after_sensitive === true || change.before_sensitive === true }] : [];
  });
  const count = (...actions: ResourceAction[]) => resources.filter((r) => actions.includes(r.action)).length;
  const changes = {
    add: count("create", "replace"),
    change: count("update"),
    destroy: count("delete", "replace"),
    replace: count("replace"),
  };
  // Drift alone is nothing to apply: the plan has changes only when applying it would change something.
  const hasChanges = changes.add + changes.change + changes.destroy > 0 || outputs.length > 0;
  // What a dependent planned in the same pull request takes: values Terraform knows now.
  const plannedOutputs = Object.fromEntries(
    Object.entries(plan.output_changes ?? {}).filter(([, change]) => change.after_unknown !== true && change.after_sensitive !== true && change.after !== undefined && !change.actions.includes("delete")).map(([name, change]) => [name, change.after]),
  );
  return { environment, mode, changes, hasChanges, resources, outputs, drift, terraformVersion: plan.terraform_version, ...(Object.keys(plannedOutputs).length > 0 && { plannedOutputs }) };
}

/**
 * Like Terraform's own plan output, a normal plan reports only drift that matters to it: any
 * drift of a resource the plan changes, and otherwise only attributes the planned changes read
 * (relevant_attributes). Else provider bookkeeping after an apply (computed attributes filled in
 * later) would read as drift. With `all` (a drift check), every drifted resource is listed:
 * Terraform's resource_drift of a normal plan holds them all, as a refresh-only plan's does.
 */
function listedDrift(plan: PlanJson, resources: ResourceChange[], all: boolean): ResourceChange[] {
  const drift = (plan.resource_drift ?? []).flatMap((r) => toResourceChange(r, true).map((change) => ({ ...change, attributes: withSources(plan.configuration, r.address, r.change, change.attributes) })));
  const capped = (list: ResourceChange[]) => list.map((r) => ({ ...r, attributes: r.attributes.slice(0, MAX_ATTRIBUTES_PER_RESOURCE) }));
  if (all) return capped(drift);
  const changed = new Set(resources.map((r) => r.address));
  const readPaths = new Map<string, string[]>();
  for (const { resource, attribute } of plan.relevant_attributes ?? []) {
    readPaths.set(resource, [...(readPaths.get(resource) ?? []), formatAttributePath(attribute)]);
  }
  return capped(drift.flatMap((r) => {
    if (changed.has(r.address)) return [r];
    const paths = readPaths.get(r.address) ?? readPaths.get(r.address.replace(/\[[^\]]*\]$/, "")) ?? [];
    const attributes = r.attributes.filter((a) => paths.some((p) => p === "" || a.path === p || a.path.startsWith(`${p}.`) || a.path.startsWith(`${p}[`)));
    return attributes.length > 0 ? [{ ...r, attributes }] : [];
  }));
}

function formatAttributePath(segments: unknown[]): string {
  return segments.reduce<string>((out, s) => (typeof s === "number" ? `${out}[${s}]` : out === "" ? String(s) : `${out}.${String(s)}`), "");
}

function toResourceChange(raw: RawResourceChange, allAttributes = false): ResourceChange[] {
  const action = toAction(raw.change.actions);
  if (!action || action === "read") return [];
  const listed = action === "update" || action === "replace" ? diffAttributes(raw.change) : action === "create" ? plannedAttributes(raw.change) : [];
  const attributes = listed.slice(0, allAttributes ? undefined : MAX_ATTRIBUTES_PER_RESOURCE);
  return [{ address: raw.address, action, attributes }];
}

function toAction(actions: string[]): ResourceAction | undefined {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
    case "read":
    case "forget":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      return undefined; // "no-op"
  }
}

/** Leaf paths whose value differs between before and after, sensitive ones flagged, not shown. */
function diffAttributes(change: RawChange): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (path: string, before: unknown, after: unknown, unknown: unknown, sensitive: boolean) => {
    if (unknown === true) {
      // A whole object shown as its before: the parts of it marked sensitive masked, as Terraform shows them.
      out.push({ path, before: sensitive ? undefined : show(masked(before, marksAt(change.before_sensitive, path))), unknown: true, ...(sensitive ? { sensitive } : {}) });
      return;
    }
    if (isContainer(before) || isContainer(after)) {
      const keys = new Set([...Object.keys(asRecord(before)), ...Object.keys(asRecord(after))]);
      for (const key of keys) {
        const childPath = path === "" ? key : Array.isArray(before ?? after) ? `${path}[${key}]` : `${path}.${key}`;
        walk(
          childPath,
          asRecord(before)[key],
          asRecord(after)[key],
          asRecord(unknown)[key],
          sensitive || isSensitive(change.before_sensitive, childPath) || isSensitive(change.after_sensitive, childPath),
        );
      }
      return;
    }
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    out.push(sensitive ? { path, sensitive: true } : { path, before: show(before), after: show(after) });
  };
  walk("", change.before, change.after, change.after_unknown, change.before_sensitive === true || change.after_sensitive === true);
  return out;
}

/**
 * What a create sets, as Terraform's plan shows it: every leaf with a value (nulls and empty
 * blocks left out), "known after apply" ones flagged, sensitive ones named but never shown.
 */
function plannedAttributes(change: RawChange): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (path: string, after: unknown, unknown: unknown, sensitive: boolean) => {
    if (unknown === true) return void out.push({ path, unknown: true, ...(sensitive ? { sensitive } : {}) });
    if (sensitive && after !== null && after !== undefined) return void out.push({ path, sensitive: true });
    if (isContainer(after) || isContainer(unknown)) {
      const keys = new Set([...Object.keys(asRecord(after)), ...Object.keys(asRecord(unknown))]);
      for (const key of keys) {
        const childPath = path === "" ? key : Array.isArray(after ?? unknown) ? `${path}[${key}]` : `${path}.${key}`;
        walk(childPath, asRecord(after)[key], asRecord(unknown)[key], sensitive || isSensitive(change.after_sensitive, childPath));
      }
      return;
    }
    if (after === null || after === undefined) return;
    out.push({ path, after: show(after) });
  };
  walk("", change.after, change.after_unknown, change.after_sensitive === true);
  return out;
}

/** The sensitivity marks (before_sensitive, after_sensitive) of the value at `path`: true, a tree of them, or nothing. */
function marksAt(marks: unknown, path: string): unknown {
  let node = marks;
  for (const segment of path.split(/\.|\[|\]/).filter(Boolean)) {
    if (node === true) return true;
    node = asRecord(node)[segment];
  }
  return node;
}

/** `value` with every part its marks call sensitive replaced. */
function masked(value: unknown, marks: unknown): unknown {
  if (marks === true) return SENSITIVE_VALUE;
  if (!isContainer(value) || !isContainer(marks)) return value;
  if (Array.isArray(value)) return value.map((item, i) => masked(item, asRecord(marks)[i]));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, masked(item, asRecord(marks)[key])]));
}

/** What stands for a sensitive part of a value shown whole (Terraform's own words). */
const SENSITIVE_VALUE = "(sensitive value)";

function isSensitive(marks: unknown, path: string): boolean {
  return marksAt(marks, path) === true;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return isContainer(value) ? (value as Record<string, unknown>) : {};
}

function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? "null";
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 3)}...` : text;
}
