import { escapeRegExp } from "../patterns/glob.js";

/** Replaces every resolved secret value in a text. Every text that leaves the server passes here. */
export interface Redact {
  (text: string): string;
  /** The most lines one secret can cover once a text wraps it at its spaces (1 when unset). */
  readonly lines?: number;
}

export const REDACTED = "[redacted]";

/**
 * Between two words of a secret, what may stand in a text that quotes it: Terraform wraps long
 * messages at spaces (and frames diagnostics with "│"), and JSON escapes line breaks as \n. So a
 * secret is matched against whitespace-normalized text, not only byte for byte.
 */
// "\u2502" is "│": the regular expression reads the escape (the code stays ASCII, see scripts/build.js).
const WORD_BREAK = String.raw`(?:[\s\u2502]|\\[nrt])+`;

/**
 * A redactor for these secret values, also in the encodings Terraform and HTTP put them in
 * (JSON-escaped, URL-encoded, base64), and wrapped across lines. Longer values are tried first,
 * so a secret that contains another is not half-replaced.
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
  const pattern = new RegExp(ordered.map(wrappablePattern).join("|"), "g");
  const lines = Math.max(...ordered.map((form) => form.split(/\s+/).filter((word) => word !== "").length), 1);
  return Object.assign((text: string) => text.replace(pattern, REDACTED), { lines });
}

/**
 * Redacts a text that arrives line by line (Terraform's progress). A line is let out only once
 * enough lines follow it to hold any secret that starts in it, so a secret wrapped across lines
 * is replaced whole before its first line is shown.
 */
export function lineByLineRedactor(redact: Redact): { push(line: string): string[]; flush(): string[] } {
  const holdBack = (redact.lines ?? 1) - 1;
  let pending: string[] = [];
  return {
    push(line) {
      if (holdBack === 0) return [redact(line)];
      pending = redact([...pending, line].join("\n")).split("\n");
      return pending.length > holdBack ? pending.splice(0, pending.length - holdBack) : [];
    },
    flush() {
      const rest = pending;
      pending = [];
      return rest;
    },
  };
}

/** The form literally, except that each run of whitespace in it matches any WORD_BREAK. */
function wrappablePattern(form: string): string {
  const words = form.split(/\s+/).filter((word) => word !== "");
  if (words.length <= 1) return escapeRegExp(form);
  const [lead, trail] = [/^\s/.test(form) ? WORD_BREAK : "", /\s$/.test(form) ? WORD_BREAK : ""];
  return lead + words.map(escapeRegExp).join(WORD_BREAK) + trail;
}
