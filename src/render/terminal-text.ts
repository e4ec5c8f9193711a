/**
 * Text for a terminal that came from others (the cloud, definitions, receivers, people): a
 * terminal obeys the escape sequences it may hold, so control characters are shown as "?".
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}
