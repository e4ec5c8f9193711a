import type { ResolvedConfig } from "../config/repository-config.js";
import { expiryOf, lifetimeBasis } from "../engine/index.js";
import type { AppliedEnvironment } from "./load-applied-environments.js";
import type { SweepEntry } from "./reconcile-types.js";

export interface ExpiryAction {
  applied: AppliedEnvironment;
  entry: SweepEntry;
  /** The live environments that take its outputs (it is kept past its expiry while they are). */
  dependents?: readonly string[];
}

/**
 * What an expiry sweep does, as a list (a dry run prints it; a sweep executes it). Pure.
 * Guard rails: only environments envbot applied (the caller's list), never a protected one,
 * never one whose definition cannot be used, at most `maxDestroysPerSweep` destroys.
 */
export function planExpiryActions(input: {
  applied: AppliedEnvironment[];
  config: ResolvedConfig;
  now: Date;
  /** The live environments that take each environment's outputs: such an environment is never destroyed at expiry. */
  liveDependents?: ReadonlyMap<string, readonly string[]>;
}): ExpiryAction[] {
  const { config, now } = input;
  let destroys = 0;
  return input.applied.map((applied): ExpiryAction => {
    const { record, environment } = applied;
    const dependents = input.liveDependents?.get(record.name) ?? [];
    const entry = (fields: Omit<SweepEntry, "environment">): ExpiryAction => ({ applied, entry: { environment: record.name, ...fields }, ...(dependents.length > 0 && { dependents }) });
    if (!environment) return entry({ action: "unusable", detail: applied.problems.join("; ") });
    // A default ttl not yet applied to it counts from the next apply: nothing expires before.
    const basis = lifetimeBasis(environment, record);
    const expiresAt = basis && expiryOf(environment.lifetime, basis);
    if (!expiresAt) return entry({ action: "none" });
    // A record from before strict time parsing may hold a time that is no instant: that one is reported, the others go on.
    if (Number.isNaN(expiresAt.getTime())) return entry({ action: "unusable", detail: "its expiry is not a real instant (spec.expiresAt)" });
    const at = expiresAt.toISOString();
    if (now.getTime() >= expiresAt.getTime()) {
      if (environment.protected) return entry({ action: "keep-protected", expiresAt: at });
      if (dependents.length > 0) return entry({ action: "keep-dependents", expiresAt: at, detail: `${dependents.join(", ")} still ${dependents.length === 1 ? "takes" : "take"} its outputs` });
      if (destroys >= config.limits.maxDestroysPerSweep) {
        return entry({ action: "deferred", expiresAt: at, detail: `the limit of ${config.limits.maxDestroysPerSweep} destroys per sweep was reached` });
      }
      destroys++;
      return entry({ action: "destroy", expiresAt: at });
    }
    const warned = record.expiryWarnedFor?.getTime() === expiresAt.getTime();
    if (!environment.protected && !warned && now.getTime() >= expiresAt.getTime() - config.limits.expiryWarningMs) {
      return entry({ action: "warn", expiresAt: at, ...(dependents.length > 0 && { detail: `${dependents.join(", ")} ${dependents.length === 1 ? "takes" : "take"} its outputs: it is kept until ${dependents.length === 1 ? "that is" : "they are"} gone` }) });
    }
    return entry({ action: "none", expiresAt: at });
  });
}
