import type { SweepResult } from "../../../src/core/reconciling/index.js";
import { formatSweepResults } from "../../../src/render/sweep-lines.js";

const config = {} as SweepResult["config"];
const sweep = (kind: SweepResult["kind"], dryRun: boolean, entries: SweepResult["entries"]): SweepResult => ({ kind, repository: "/home/a/envs", dryRun, config, entries });

test("a dry run: one line per environment and sweep, a failure with its reason, and a summary that says nothing changed", () => {
  const lines = formatSweepResults(
    [
      sweep("expiry", true, [
        { environment: "demo-one", action: "none", expiresAt: "2026-12-09T10:00:00.000Z" },
        { environment: "demo-two", action: "warn", expiresAt: "2026-12-02T10:00:00.000Z" },
      ]),
      sweep("drift", true, [
        { environment: "demo-one", action: "in-sync" },
        { environment: "demo-two", action: "none", outcome: "failed", detail: "the secret DB_PASSWORD is not set on the server" },
      ]),
    ],
    () => [],
  );
  expect(lines).toEqual([
    "expiry: demo-one: none (expires 2026-12-09T10:00:00.000Z)",
    "expiry: demo-two: would warn (expires 2026-12-02T10:00:00.000Z)",
    "drift: demo-one: in sync",
    "drift: demo-two: check failed: the secret DB_PASSWORD is not set on the server",
    "Summary: expiry: 1 none, 1 warn; drift: 1 in sync, 1 failed (dry run: nothing was changed).",
  ]);
});

test("a real run prints each action once, with that environment's notices beneath it", () => {
  const lines = formatSweepResults(
    [sweep("expiry", false, [{ environment: "short", action: "destroy", outcome: "done", expiresAt: "2026-12-01T00:00:00.000Z" }])],
    (kind, environment) => (kind === "expiry" && environment === "short" ? ["expired: short was destroyed at expiry"] : []),
  );
  expect(lines).toEqual(["expiry: short: destroy (expires 2026-12-01T00:00:00.000Z)", "  expired: short was destroyed at expiry", "Summary: expiry: 1 destroy."]);
});

test("nothing applied: the summary says so", () => {
  expect(formatSweepResults([sweep("expiry", false, []), sweep("drift", false, [])], () => [])).toEqual(["Summary: no applied environments to reconcile."]);
});
