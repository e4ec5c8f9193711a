import { domainEvent } from "../../../src/core/events/domain-event.js";
import { toCloudEvent } from "../../../src/adapters/notify/webhook/cloud-event.js";
import { signWebhookBody, verifyWebhookSignature } from "../../../src/adapters/notify/webhook/webhook-signature.js";

const NOW = new Date("2026-12-02T10:00:00Z");
const SECRET = "whsec-test-shared-secret";
const event = domainEvent({ type: "applied", repository: "acme/envs", environment: "checkout", actor: "octocat", runId: 7, changes: { add: 2, change: 0, destroy: 0 } }, NOW);

test("a domain event becomes a CloudEvents 1.0 structured event whose id is the event's own", () => {
  expect(toCloudEvent(event)).toEqual({
    specversion: "1.0",
    id: event.id,
    source: "envbot:acme/envs",
    type: "dev.envbot.applied",
    subject: "checkout",
    time: "2026-12-02T10:00:00.000Z",
    datacontenttype: "application/json",
    data: event,
  });
});

describe("the documented check of a signed delivery", () => {
  const body = JSON.stringify(toCloudEvent(event));
  const header = signWebhookBody(body, SECRET, NOW);

  test("a delivery as sent passes", () => {
    const seconds = NOW.getTime() / 1000;
    expect(header).toMatch(new RegExp(`^t=${seconds},v1=[0-9a-f]{64}$`));
    expect(verifyWebhookSignature({ body, header, secret: SECRET, now: new Date(NOW.getTime() + 2000) })).toEqual({ valid: true, timestamp: seconds });
  });

  test("a tampered body, a forged or missing signature, or another secret is detected", () => {
    expect(verifyWebhookSignature({ body: body.replace('"add":2', '"add":3'), header, secret: SECRET, now: NOW })).toEqual({ valid: false, reason: "mismatch" });
    expect(verifyWebhookSignature({ body, header, secret: "another-secret", now: NOW })).toEqual({ valid: false, reason: "mismatch" });
    expect(verifyWebhookSignature({ body, header: header.replace(/t=\d+/, `t=${NOW.getTime() / 1000 + 100}`), secret: SECRET, now: NOW })).toEqual({ valid: false, reason: "mismatch" });
    expect(verifyWebhookSignature({ body, header: "t=1,v1=zz", secret: SECRET, now: NOW })).toEqual({ valid: false, reason: "malformed" });
    expect(verifyWebhookSignature({ body, header: undefined, secret: SECRET, now: NOW })).toEqual({ valid: false, reason: "missing" });
  });

  test("a replay after the tolerance is detected by its signed time; within it, by the stable event id", () => {
    expect(verifyWebhookSignature({ body, header, secret: SECRET, now: new Date(NOW.getTime() + 301_000) })).toEqual({ valid: false, reason: "too-old" });
    expect(verifyWebhookSignature({ body, header, secret: SECRET, now: new Date(NOW.getTime() + 3_600_000), toleranceSeconds: 7200 })).toMatchObject({ valid: true });
    expect(JSON.parse(body).id).toBe(event.id);
  });
});
