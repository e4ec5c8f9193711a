import type { EnvironmentRecord, EnvironmentStatus, RunKind, RunOutcome, RunRecord } from "../../../core/ports/index.js";

// The API's JSON (src/access/api/openapi-document.ts: Run, RunDetail, EnvironmentSummary), as far
// as the command line reads it, and the records it stands for: renderers take records, whichever
// side of the network they come from.

export interface ApiPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ApiRun {
  id: number;
  repository: string;
  environment: string;
  kind: RunKind;
  commit: string | null;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: RunOutcome;
  error: string | null;
  /** Only in GET /api/v1/runs/{id}. */
  logExcerpt?: string | null;
}

export interface ApiEnvironment {
  repository: string;
  name: string;
  template: string;
  owner: string;
  status: EnvironmentStatus;
  description: string | null;
  createdAt: string;
  firstAppliedAt: string | null;
  expiresAt: string | null;
  updatedAt: string;
}

export interface ApiLogPage {
  runId: number;
  outcome: RunOutcome;
  lines: { seq: number; line: string }[];
  next: number;
  complete: boolean;
}

export function runFromApi(run: ApiRun): RunRecord {
  return {
    id: run.id,
    repository: run.repository,
    environment: run.environment,
    kind: run.kind,
    ...(run.commit !== null ? { commit: run.commit } : {}),
    actor: run.actor,
    startedAt: new Date(run.startedAt),
    ...(run.finishedAt !== null ? { finishedAt: new Date(run.finishedAt) } : {}),
    outcome: run.outcome,
    ...(run.error !== null ? { error: run.error } : {}),
    ...(typeof run.logExcerpt === "string" ? { logExcerpt: run.logExcerpt } : {}),
  };
}

export function environmentFromApi(item: ApiEnvironment): EnvironmentRecord {
  return {
    repository: item.repository,
    name: item.name,
    template: item.template,
    owner: item.owner,
    status: item.status,
    createdAt: new Date(item.createdAt),
    ...(item.firstAppliedAt !== null ? { firstAppliedAt: new Date(item.firstAppliedAt) } : {}),
    ...(item.expiresAt !== null ? { expiresAt: new Date(item.expiresAt) } : {}),
    updatedAt: new Date(item.updatedAt),
    ...(item.description !== null ? { description: item.description } : {}),
  };
}
