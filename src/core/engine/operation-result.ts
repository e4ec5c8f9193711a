import type { RunRecord, SavedPlan, AppliedPlan } from "../ports/index.js";

/**
 * The three outcomes of an operation: it succeeded; it failed for a reason the user can act on
 * (an HCL error, a missing secret, a state lock); or something unexpected broke (thrown).
 */
export type PlanOutcome =
  | {
      ok: true;
      run: RunRecord;
      plan: SavedPlan;
      expiresAt?: Date;
      basis: Date;
      /**
       * The sensitive outputs the plan took from other environments, by variable: its apply passes
       * the same again (the refresh after it reads the variables), hides them and keeps them as
       * what the state holds. Held in memory only, from the plan to its apply.
       */
      sensitiveInputs?: Record<string, unknown>;
    }
  | { ok: false; run: RunRecord; reason: string; details: string };

export type ApplyOutcome =
  | { ok: true; run: RunRecord; applied: AppliedPlan }
  | { ok: false; run: RunRecord; reason: string; details: string };
