import type { InventoryResource } from "../inventory/index.js";

/**
 * What can go wrong in a Terraform run, decided once at the adapter edge from Terraform's exit
 * and output, so that nobody downstream matches on message text. Messages are already redacted.
 */
export class TerraformError extends Error {
  override name = "TerraformError";
  /** A short reason a person can act on, e.g. "the template's Terraform code has an error". */
  readonly reason: string;
  /** Terraform's own error text (redacted), for the details. */
  readonly details: string;
  /** The tail of the run's output (redacted), for the run record. */
  log = "";
  /**
   * What the state holds after an apply or destroy failed part-way, when it could be read: a
   * failed apply may already have made resources, a failed destroy removed some.
   */
  inventory?: InventoryResource[];

  constructor(reason: string, details = "") {
    super(details ? `${reason}: ${firstLines(details)}` : reason);
    this.reason = reason;
    this.details = details;
  }
}

/** The template's Terraform code does not parse or is inconsistent (HCL errors, unknown variables). */
export class ConfigurationError extends TerraformError {
  override name = "ConfigurationError";
}

/** Another operation holds the state lock. */
export class StateLockedError extends TerraformError {
  override name = "StateLockedError";
}

/** The provider could not authenticate or reach its API. */
export class ProviderError extends TerraformError {
  override name = "ProviderError";
}

/**
 * A provider's API, or the state backend, could not be reached at all (refused, no route, no
 * answer): unlike bad credentials, the same run may well work a little later.
 */
export class ProviderUnreachableError extends ProviderError {
  override name = "ProviderUnreachableError";
}

/** Provider installation failed (no network, no mirror, version not available). */
export class ProviderInstallError extends TerraformError {
  override name = "ProviderInstallError";
}

/** The run took longer than its timeout and was stopped. */
export class TerraformTimeoutError extends TerraformError {
  override name = "TerraformTimeoutError";
}

/** The run was cancelled (a newer push, a shutdown). */
export class TerraformCancelledError extends TerraformError {
  override name = "TerraformCancelledError";
}

/**
 * Terraform was killed by a signal envbot did not send (the out-of-memory killer, an operator):
 * an apply or destroy may have left the state partly written.
 */
export class TerraformKilledError extends TerraformError {
  override name = "TerraformKilledError";
}

/** The terraform (or tofu) binary could not be started. */
export class TerraformNotFoundError extends TerraformError {
  override name = "TerraformNotFoundError";
}

function firstLines(text: string): string {
  const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
  return lines.slice(0, 3).join(" ").slice(0, 500);
}
