import { createRedactor, type Redact } from "./redactor.js";

/**
 * Every secret value this process has resolved, so that a last redaction can run on each request
 * that leaves for GitHub, whatever produced its text. The engine redacts its own output already;
 * this is the second guard.
 */
export class KnownSecrets {
  private readonly values = new Set<string>();
  private redactor: Redact = (text) => text;

  add(values: Iterable<string>): void {
    let changed = false;
    for (const value of values) {
      if (value !== "" && !this.values.has(value)) {
        this.values.add(value);
        changed = true;
      }
    }
    if (changed) this.redactor = createRedactor(this.values);
  }

  readonly redact: Redact = Object.defineProperty((text: string) => this.redactor(text), "lines", { get: () => this.redactor.lines });
}
