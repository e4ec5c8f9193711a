/** Replaces every resolved secret value in a text. Every text that leaves the server passes here. */
export type Redact = (text: string) => string;

export const REDACTED = "[redacted]";

/**
 * A redactor for these secret values, also in the encodings Terraform and HTTP put them in
 * (JSON-escaped, URL-encoded, base64). Longer values are replaced first, so a secret that
 * contains another is not half-replaced.
 */
export function createRedactor(secretValues: Iterable<string>): Redact {
  const forms = new Set<string>();
  for (const value of secretValues) {
    if (value.length === 0) continue;
    forms.add(value);
    forms.add(JSON.stringify(value).slice(1, -1));
    forms.add(encodeURIComponent(value));
    forms.add(Buffer.from(value, "utf8").toString("base64"));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  const pattern = new RegExp(ordered.map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
