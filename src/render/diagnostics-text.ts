import { formatDiagnosticLine, type Diagnostic } from "../core/diagnostics/index.js";

/** `FILE:LINE:COL: path: message`, with the file shown as the reader would open it. */
export function formatDiagnostic(diagnostic: Diagnostic, displayFile: string = diagnostic.file): string {
  return formatDiagnosticLine({ ...diagnostic, file: displayFile });
}

export function formatValidationSummary(input: { problems: number; files: number; invalidFiles: number }): string {
  const { problems, files, invalidFiles } = input;
  const definitions = `${files} environment definition${files === 1 ? "" : "s"}`;
  if (problems === 0) return `${definitions} valid`;
  return `${problems} problem${problems === 1 ? "" : "s"} in ${invalidFiles} file${invalidFiles === 1 ? "" : "s"} (${definitions} checked)`;
}
