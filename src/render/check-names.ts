// Check run names are what users see in the checks list and what branch protection requires, so
// they are stable: changing one breaks required checks. Re-exported by check-runs.ts.

export const VALIDATION_CHECK_NAME = "envbot validate";

/** "envbot plan: checkout": one check run per environment and phase. */
export function environmentCheckName(environment: string, phase: "plan" | "apply"): string {
  return `envbot ${phase}: ${environment}`;
}
