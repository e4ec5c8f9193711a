import { resolveConfig } from "../../../src/core/config/repository-config.js";
import type { Environment } from "../../../src/core/environment/index.js";
import type { EnvironmentRecord } from "../../../src/core/ports/index.js";
import { planExpiryActions } from "../../../src/core/reconciling/plan-expiry-actions.js";

const NOW = new Date("2026-12-02T12:00:00Z");
const DAY = 86_400_000;
const defaulted = { kind: "ttl", text: "72h", ms: 3 * DAY, defaulted: true } as const;

function applied(record: Partial<EnvironmentRecord>, lifetime: Environment["lifetime"]) {
  const full: EnvironmentRecord = { repository: "acme/envs", name: "web", template: "sandbox", owner: "@acme/web", status: "active", createdAt: new Date(NOW.getTime() - 100 * DAY), updatedAt: NOW, ...record };
  return { record: full, file: "environments/web.yaml", environment: { name: "web", lifetime, protected: false } as Environment, problems: [] };
}

test("the repository's default ttl counts from the first apply that gave it, never from an older first apply", () => {
  const config = resolveConfig({ limits: { defaultTtl: "72h" } });
  const old = new Date(NOW.getTime() - 100 * DAY);
  const [notYet, running, over] = planExpiryActions({
    applied: [
      // Long-lived for 100 days before the default was set; not applied since: nothing expires.
      applied({ firstAppliedAt: old }, defaulted),
      applied({ firstAppliedAt: old, defaultTtlSince: new Date(NOW.getTime() - DAY) }, defaulted),
      applied({ firstAppliedAt: old, defaultTtlSince: new Date(NOW.getTime() - 4 * DAY) }, defaulted),
    ],
    config,
    now: NOW,
  });
  expect(notYet!.entry).toEqual({ environment: "web", action: "none" });
  expect(running!.entry).toEqual({ environment: "web", action: "none", expiresAt: "2026-12-04T12:00:00.000Z" });
  expect(over!.entry).toEqual({ environment: "web", action: "destroy", expiresAt: "2026-12-01T12:00:00.000Z" });
});

test("a ttl the definition names still counts from the first apply", () => {
  const [entry] = planExpiryActions({ applied: [applied({ firstAppliedAt: new Date(NOW.getTime() - 4 * DAY) }, { kind: "ttl", text: "72h", ms: 3 * DAY })], config: resolveConfig(), now: NOW });
  expect(entry!.entry.action).toBe("destroy");
});
