import type { DomainEvent } from "../../core/events/domain-event.js";
import { matchResource, type FoundResource, type InventoryResource, type Orphan } from "../../core/inventory/index.js";
import type { ApiTokenRecord, AuditEntry, SessionRecord, EnvironmentRecord, EnvironmentStatus, EventDelivery, LeaseRecord, LockHolder, LockRecord, OrphanSweepRecord, RunKind, RunOutcome, RunRecord, StoredJob } from "../../core/ports/index.js";

// Rows as the SQL stores return them: snake_case columns, NULL for absent values, times as
// ISO-8601 text (SQLite) or Date (PostgreSQL's timestamptz). The records of the port leave absent
// optional fields out instead.

/** A time as a store keeps it. */
export type Time = string | Date;

export interface EnvironmentRow {
  repository: string;
  name: string;
  template: string;
  owner: string;
  status: EnvironmentStatus;
  created_at: Time;
  first_applied_at: Time | null;
  expires_at: Time | null;
  last_run_id: number | null;
  expiry_warned_for: Time | null;
  drift_fingerprint: string | null;
  updated_at: Time;
  description: string | null;
  /** JSON text, as are definition and outputs. */
  labels: string | null;
  definition: string | null;
  outputs: string | null;
  default_ttl_since: Time | null;
  hibernated_at: Time | null;
  awake_until: Time | null;
}

export interface RunLogRow {
  seq: number;
  line: string;
}

export interface ApiTokenRow {
  id: number;
  hash: string;
  name: string;
  login: string;
  /** JSON array. */
  repositories: string;
  created_at: Time;
  last_used_at: Time | null;
  revoked_at: Time | null;
}

export interface SessionRow {
  id: string;
  login: string;
  created_at: Time;
  expires_at: Time;
  ended_at: Time | null;
}

export interface AuditRow {
  id: number;
  at: Time;
  actor: string;
  source: string;
  action: string;
  repository: string;
  environment: string | null;
  outcome: string;
  detail: string | null;
}

/** The environment fields a writer may give, and their columns (JSON fields are written as text). */
export const ENVIRONMENT_COLUMNS = {
  template: "template",
  owner: "owner",
  status: "status",
  firstAppliedAt: "first_applied_at",
  expiresAt: "expires_at",
  lastRunId: "last_run_id",
  expiryWarnedFor: "expiry_warned_for",
  driftFingerprint: "drift_fingerprint",
  description: "description",
  labels: "labels",
  definition: "definition",
  outputs: "outputs",
  defaultTtlSince: "default_ttl_since",
  hibernatedAt: "hibernated_at",
  awakeUntil: "awake_until",
} as const satisfies Partial<Record<keyof EnvironmentRecord, string>>;

export type EnvironmentField = keyof typeof ENVIRONMENT_COLUMNS;

/** A field's value as its column takes it: objects as JSON text; times as Date (`toText` for SQLite). */
export function environmentColumnValue(value: EnvironmentRecord[EnvironmentField] | undefined): string | number | Date | null {
  if (value === undefined) return null;
  if (value instanceof Date || typeof value !== "object") return value;
  return JSON.stringify(value);
}

export function apiTokenFromRow(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    login: row.login,
    repositories: JSON.parse(row.repositories) as string[],
    createdAt: new Date(row.created_at),
    ...(row.last_used_at !== null && { lastUsedAt: new Date(row.last_used_at) }),
  };
}

export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    login: row.login,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    ...(row.ended_at !== null && { endedAt: new Date(row.ended_at) }),
  };
}

export function auditFromRow(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at),
    actor: row.actor,
    source: row.source,
    action: row.action,
    repository: row.repository,
    ...(row.environment !== null && { environment: row.environment }),
    outcome: row.outcome,
    ...(row.detail !== null && { detail: row.detail }),
  };
}

export interface RunRow {
  id: number;
  repository: string;
  environment: string;
  kind: RunKind;
  commit_sha: string | null;
  actor: string;
  started_at: Time;
  finished_at: Time | null;
  outcome: RunOutcome;
  summary: string | null;
  log_excerpt: string | null;
  error: string | null;
}

export interface LockRow {
  repository: string;
  environment: string;
  holder: string;
  acquired_at: Time;
}

export interface LeaseRow {
  key: string;
  holder: string;
  token: string;
  acquired_at: Time;
  expires_at: Time;
}

export interface JobRow {
  id: number;
  key: string;
  /** 0 or 1 in SQLite, a boolean in PostgreSQL. */
  final: 0 | 1 | boolean;
  payload: string;
  enqueued_at: Time;
  started_at: Time | null;
  attempts: number;
}

export function jobFromRow(row: JobRow): StoredJob {
  return {
    id: row.id,
    key: row.key,
    final: row.final === 1 || row.final === true,
    payload: row.payload,
    enqueuedAt: new Date(row.enqueued_at),
    ...(row.started_at === null ? {} : { startedAt: new Date(row.started_at) }),
    attempts: row.attempts,
  };
}

export function toText(date: Date): string;
export function toText(date: Date | undefined): string | null;
export function toText(date: Date | undefined): string | null {
  return date === undefined ? null : date.toISOString();
}

export function environmentFromRow(row: EnvironmentRow): EnvironmentRecord {
  return {
    repository: row.repository,
    name: row.name,
    template: row.template,
    owner: row.owner,
    status: row.status,
    createdAt: new Date(row.created_at),
    ...(row.first_applied_at !== null && { firstAppliedAt: new Date(row.first_applied_at) }),
    ...(row.expires_at !== null && { expiresAt: new Date(row.expires_at) }),
    ...(row.last_run_id !== null && { lastRunId: row.last_run_id }),
    ...(row.expiry_warned_for !== null && { expiryWarnedFor: new Date(row.expiry_warned_for) }),
    ...(row.drift_fingerprint !== null && { driftFingerprint: row.drift_fingerprint }),
    ...(row.description !== null && { description: row.description }),
    ...(row.labels !== null && { labels: JSON.parse(row.labels) as Record<string, string> }),
    ...(row.definition !== null && { definition: JSON.parse(row.definition) as Record<string, unknown> }),
    ...(row.outputs !== null && { outputs: JSON.parse(row.outputs) as Record<string, unknown> }),
    ...(row.default_ttl_since !== null && { defaultTtlSince: new Date(row.default_ttl_since) }),
    ...(row.hibernated_at !== null && { hibernatedAt: new Date(row.hibernated_at) }),
    ...(row.awake_until !== null && { awakeUntil: new Date(row.awake_until) }),
    updatedAt: new Date(row.updated_at),
  };
}

export function runFromRow(row: RunRow): RunRecord {
  return {
    id: row.id,
    repository: row.repository,
    environment: row.environment,
    kind: row.kind,
    ...(row.commit_sha !== null && { commit: row.commit_sha }),
    actor: row.actor,
    startedAt: new Date(row.started_at),
    ...(row.finished_at !== null && { finishedAt: new Date(row.finished_at) }),
    outcome: row.outcome,
    ...(row.summary !== null && { summary: row.summary }),
    ...(row.log_excerpt !== null && { logExcerpt: row.log_excerpt }),
    ...(row.error !== null && { error: row.error }),
  };
}

/**
 * A lock holder in its column: "pr#12" or "cli:alice", the text envbot has always stored, so
 * existing databases read back unchanged. Only this adapter reads or writes that text.
 */
export function holderToText(holder: LockHolder): string {
  return holder.kind === "pull-request" ? `pr#${holder.number}` : `cli:${holder.user}`;
}

function holderFromText(text: string): LockHolder {
  const number = /^pr#([1-9][0-9]*)$/.exec(text)?.[1];
  if (number !== undefined) return { kind: "pull-request", number: Number(number) };
  if (text.startsWith("cli:")) return { kind: "cli", user: text.slice("cli:".length) };
  throw new Error(`a lock with an unknown holder '${text}' is in the database`);
}

export function lockFromRow(row: LockRow): LockRecord {
  return {
    repository: row.repository,
    environment: row.environment,
    holder: holderFromText(row.holder),
    acquiredAt: new Date(row.acquired_at),
  };
}

export function leaseFromRow(row: LeaseRow): LeaseRecord {
  return { key: row.key, holder: row.holder, token: row.token, acquiredAt: new Date(row.acquired_at), expiresAt: new Date(row.expires_at) };
}


export interface EventDeliveryRow {
  seq: number;
  target: string;
  state: EventDelivery["state"];
  attempts: number;
  last_error: string | null;
  event: string;
}

export function deliveryFromRow(row: EventDeliveryRow): EventDelivery {
  return {
    seq: row.seq,
    target: row.target,
    event: JSON.parse(row.event) as DomainEvent,
    state: row.state,
    attempts: row.attempts,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
  };
}

export interface InventoryRow {
  repository: string;
  environment: string;
  address: string;
  type: string;
  provider: string;
  module: string | null;
  cloud_id: string | null;
  arn: string | null;
  depends_on: string;
  attributes: string;
}

export function inventoryFromRow(row: InventoryRow): InventoryResource {
  return {
    address: row.address,
    type: row.type,
    provider: row.provider,
    ...(row.module === null ? {} : { module: row.module }),
    ...(row.cloud_id === null ? {} : { cloudId: row.cloud_id }),
    ...(row.arn === null ? {} : { arn: row.arn }),
    dependsOn: JSON.parse(row.depends_on) as string[],
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
  };
}

/** A resource's columns, in the order of the INSERT both stores use. */
export function inventoryValues(repository: string, environment: string, r: InventoryResource): (string | null)[] {
  return [repository, environment, r.address, r.type, r.provider, r.module ?? null, r.cloudId ?? null, r.arn ?? null, JSON.stringify(r.dependsOn), JSON.stringify(r.attributes)];
}

/**
 * The rows worth checking for a search: those whose ARN, cloud id, type or address is the query,
 * or with an attribute whose value is the query (or, for KEY=VALUE, VALUE), found through the
 * inventory_values index; matchResource then checks each exactly.
 */
export function inventoryCandidates(query: string): { exact: string; value: string } {
  const pair = /^[A-Za-z0-9_.]+=(.*)$/.exec(query);
  return { exact: query, value: pair ? pair[1]! : query };
}

/** Values longer than this are not indexed (nobody searches for a policy document). */
const INDEXED_VALUE_MAX = 256;
/** At most this many values of one resource are indexed. */
const INDEXED_VALUES_PER_RESOURCE = 500;

/**
 * The scalar values anywhere in a resource's attributes, as matchResource compares them
 * (String(value)), once each: the rows of inventory_values, the index a search by value uses.
 */
export function attributeValues(attributes: Record<string, unknown>): string[] {
  const values = new Set<string>();
  const visit = (value: unknown) => {
    if (values.size >= INDEXED_VALUES_PER_RESOURCE) return;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      const text = String(value);
      if (text.length <= INDEXED_VALUE_MAX) values.add(text);
    } else if (value !== null && typeof value === "object") {
      for (const item of Object.values(value)) visit(item);
    }
  };
  visit(attributes);
  return [...values];
}

/** The rows that really match (matchResource), at most `limit`, with what matched. */
export function foundResources(rows: readonly InventoryRow[], query: string, limit: number): FoundResource[] {
  const found: FoundResource[] = [];
  for (const row of rows) {
    const resource = inventoryFromRow(row);
    const matched = matchResource(resource, query);
    if (matched !== undefined) found.push({ repository: row.repository, environment: row.environment, resource, matched });
    if (found.length >= limit) break;
  }
  return found;
}

export interface OrphanSweepRow {
  repository: string;
  swept_at: string | Date;
  region: string;
  orphans: string;
}

export function orphanSweepFromRow(row: OrphanSweepRow): OrphanSweepRecord {
  return { repository: row.repository, sweptAt: new Date(row.swept_at), region: row.region, orphans: JSON.parse(row.orphans) as Orphan[] };
}
