import type { Diagnostic } from "../diagnostics/index.js";

/** A diagnostic as one line for a report: `file:line:column: path: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ""}${d.message}`;
}
