/** One problem in one file, positioned at the key or value it is about (1-based line and column). */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the offending key, e.g. "spec.ttl"; "" for the file as a whole. */
  path: string;
  message: string;
}

export type Position = Pick<Diagnostic, "line" | "column">;

export const START_OF_FILE: Position = { line: 1, column: 1 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}

/**
 * `FILE:LINE:COL: path: message`, the form editors and CI logs turn into links. Here in the core
 * because reports built by the core (the reconciler's) carry problems as lines.
 */
export function formatDiagnosticLine(diagnostic: Diagnostic): string {
  const where = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`;
  return diagnostic.path ? `${where}: ${diagnostic.path}: ${diagnostic.message}` : `${where}: ${diagnostic.message}`;
}
