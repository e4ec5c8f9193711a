import type { RunRecord } from "../core/ports/index.js";
import { columns } from "./terminal-text.js";

/** An error in the history is its first line, cut here: the whole of it is in `envbot logs RUN`. */
export const HISTORY_ERROR_WIDTH = 72;
/** Commits as Git abbreviates them. */
const SHORT_COMMIT = 7;

/** A time to the second, as the tables show it: 2026-12-01T10:00:00Z. */
function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "42s", "3m05s", "1h02m": how long a run took. */
export function formatRunDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** A text's first line, cut to `width` characters (the last one then an ellipsis). */
export function firstLine(text: string, width: number): string {
  const line = text.split("\n")[0]!.trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** The table of `envbot history ENV`: one run a line, newest first, as given. */
export function formatRunHistory(environment: string, runs: readonly RunRecord[]): string {
  if (runs.length === 0) return `No runs of ${environment} yet.`;
  const header = ["RUN", "KIND", "OUTCOME", "ACTOR", "COMMIT", "STARTED", "DURATION", "ERROR"];
  const rows = runs.map((run) => [
    String(run.id),
    run.kind,
    run.outcome,
    run.actor,
    run.commit ? run.commit.slice(0, SHORT_COMMIT) : "-",
    formatTime(run.startedAt),
    run.finishedAt ? formatRunDuration(run.finishedAt.getTime() - run.startedAt.getTime()) : "-",
    run.error ? firstLine(run.error, HISTORY_ERROR_WIDTH) : "",
  ]);
  return columns([header, ...rows]).join("\n");
}

/** A run as `history --json` and `plan --context --json` print it: the API's Run fields, times in ISO-8601, absent as null. */
export function runJson(run: RunRecord) {
  return {
    id: run.id,
    repository: run.repository,
    environment: run.environment,
    kind: run.kind,
    commit: run.commit ?? null,
    actor: run.actor,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    outcome: run.outcome,
    error: run.error ?? null,
  };
}

/** The line before a run's log: which run of what, by whom, and where it stands. */
export function formatRunHeading(run: RunRecord): string {
  const commit = run.commit ? ` at ${run.commit.slice(0, SHORT_COMMIT)}` : "";
  return `Run ${run.id}: ${run.kind} of ${run.environment}${commit} by ${run.actor}, started ${formatTime(run.startedAt)} (${run.outcome})`;
}

/** The line after a followed log: how the run ended, and why when it failed. */
export function formatRunEnd(run: RunRecord): string {
  const took = run.finishedAt ? ` after ${formatRunDuration(run.finishedAt.getTime() - run.startedAt.getTime())}` : "";
  return `Run ${run.id} ${run.outcome}${took}${run.error ? `: ${run.error}` : "."}`;
}
