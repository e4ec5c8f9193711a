import { CertificateUnavailableError, handedOn, SecretUnavailableError } from "../ports/index.js";
import type { Redact } from "../secrets/redactor.js";
import { InputUnavailableError } from "./upstream-inputs.js";
import { TerraformCancelledError, TerraformError } from "../terraform/index.js";

export interface DescribedFailure {
  outcome: "failed" | "cancelled" | "interrupted";
  /** Short and actionable: what went wrong. */
  reason: string;
  /** The evidence: Terraform's error text. */
  details: string;
  /** reason and the first lines of details, for the run record. */
  message: string;
  log?: string;
  /** Not a known failure: recorded, then rethrown for the caller to report as an error. */
  unexpected: boolean;
}

/** Any error of an operation -> what the run record and the user are told, redacted. */
export function describeFailure(error: unknown, redact: Redact): DescribedFailure {
  if (error instanceof TerraformError) {
    return {
      outcome: error instanceof TerraformCancelledError ? "cancelled" : "failed",
      reason: redact(error.reason),
      details: redact(error.details),
      message: redact(error.message),
      log: redact(error.log),
      unexpected: false,
    };
  }
  if (error instanceof SecretUnavailableError || error instanceof CertificateUnavailableError || error instanceof InputUnavailableError) {
    const reason = redact(error.message);
    return { outcome: "failed", reason, details: "", message: reason, unexpected: false };
  }
  const text = redact(error instanceof Error ? error.message : String(error));
  return { outcome: "failed", reason: "unexpected error", details: text, message: `unexpected error: ${text}`, unexpected: true };
}

/**
 * A run stopped because its job is handed on to another worker (a worker stopping, say) did not
 * fail and was not cancelled: it was interrupted, as by a crash, and the next attempt reports it.
 */
export function interruptedIfHandedOn(failure: DescribedFailure, signal: AbortSignal | undefined): DescribedFailure {
  if (!handedOn(signal) || failure.unexpected) return failure;
  const reason = "interrupted: its worker stopped and handed the job to another";
  return { ...failure, outcome: "interrupted", reason, message: `${reason} (${failure.message})` };
}
