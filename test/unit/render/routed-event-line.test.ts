import { domainEvent } from "../../../src/core/events/domain-event.js";
import { routedEventLine } from "../../../src/render/routed-event-line.js";

// The App logs each event it relays: one short line a person can scan, never the event's object.

const planned = domainEvent(
  { type: "planned", repository: "acme/envs", environment: "preview", actor: "alice", runId: 7, changes: { add: 2, change: 0, destroy: 1 }, commit: "a".repeat(40) },
  new Date("2026-12-01T10:00:00Z"),
);

test("an event relayed to targets is one line: type, repository, environment, targets and the event's id", () => {
  const line = routedEventLine(planned, ["team-slack", "audit-hook"]);
  expect(line).toBe(`envbot event planned: acme/envs preview -> team-slack, audit-hook (event ${planned.id})`);
  expect(line).not.toContain("\n");
});

test("an event no target takes is logged without an arrow", () => {
  expect(routedEventLine(planned, [])).toBe(`envbot event planned: acme/envs preview (event ${planned.id})`);
});
