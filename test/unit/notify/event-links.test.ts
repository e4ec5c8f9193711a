import { domainEvent } from "../../../src/core/events/domain-event.js";
import { eventLinks } from "../../../src/composition/notifications.js";

// Where a message's buttons lead: GitHub searches (events keep no GitHub numbers) and the dashboard.
const AT = new Date("2026-12-02T10:00:00Z");

test("a left-behind finding links to the repository's open orphan report of that environment, and to its dashboard page", () => {
  const event = domainEvent({ type: "orphans-found", repository: "acme/envs", environment: "checkout", actor: "reconciler", region: "eu-west-1", count: 1, arns: ["arn:aws:s3:::checkout-assets"] }, AT);
  const links = eventLinks(event, "https://envbot.acme.dev/");
  expect(links.dashboard).toBe("https://envbot.acme.dev/environments/acme/envs/checkout");
  expect(decodeURIComponent(links.issue!)).toBe('https://github.com/acme/envs/issues?q=is:issue is:open label:"envbot:orphans" in:title "checkout"');
});

test("an environment name taken from a cloud tag cannot reach another dashboard path", () => {
  const event = domainEvent({ type: "orphans-resolved", repository: "acme/envs", environment: "../../api/v1/tokens?x=", actor: "reconciler" }, AT);
  expect(eventLinks(event, "https://envbot.acme.dev").dashboard).toBe("https://envbot.acme.dev/environments/acme/envs/..%2F..%2Fapi%2Fv1%2Ftokens%3Fx%3D");
});
