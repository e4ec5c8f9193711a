/**
 * Text for a terminal that came from others (the cloud, definitions, receivers, people): a
 * terminal obeys the escape sequences it may hold, so control characters are shown as "?".
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

/** Lines of cells for a terminal, each column as wide as its widest cell, `gap` spaces apart, no trailing spaces. */
export function columns(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((row) => row.map((text, i) => text.padEnd(widths[i]!)).join(" ".repeat(gap)).trimEnd());
}
