import type { Redact } from "../../core/secrets/redactor.js";
import type { Octokit } from "./octokit-types.js";

/** Request options that are not content: never rewritten. */
const NOT_CONTENT = new Set(["method", "url", "baseUrl", "headers", "request", "mediaType"]);

/**
 * Installs the last guard on an Octokit: every string in every request body is redacted before
 * it leaves for GitHub, whatever part of envbot wrote it.
 */
export function redactOutgoingRequests(octokit: Octokit, redact: Redact): void {
  octokit.hook.before("request", (options) => {
    const record = options as unknown as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!NOT_CONTENT.has(key)) record[key] = redactDeep(record[key], redact);
    }
  });
}

function redactDeep(value: unknown, redact: Redact): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  }
  return value;
}
