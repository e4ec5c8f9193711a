import { eventually } from "../../helpers/eventually.js";
import { startOutboxRelay, MAX_DELIVERY_ATTEMPTS, MAX_ROUTING_ATTEMPTS, type EventRouting } from "../../../src/adapters/outbox/outbox-relay.js";
import { PermanentDeliveryError, type NotificationTarget } from "../../../src/adapters/notify/notification-target.js";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { domainEvent, type DomainEvent } from "../../../src/core/events/domain-event.js";
import type { Store } from "../../../src/core/ports/index.js";

const AT = new Date("2026-12-01T12:00:00Z");
const event = (environment: string, extra: Partial<DomainEvent> = {}): DomainEvent => ({ ...domainEvent({ type: "drift-resolved", repository: "acme/environments", environment, actor: "reconciler" }, AT), ...extra }) as DomainEvent;

let store: Store;
let clock: Date;
beforeEach(() => {
  store = openSqliteStore({ file: ":memory:" });
  clock = new Date(AT);
});
afterEach(async () => {
  await store.close();
});
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

/** A target that keeps what it took ("env" per event) and fails while `failing` says so. */
function target(name: string, failing: (event: DomainEvent) => Error | false = () => false): NotificationTarget & { got: string[]; tries: number } {
  const got: string[] = [];
  const self = {
    name,
    kind: "webhook" as const,
    got,
    tries: 0,
    async deliver(e: DomainEvent) {
      self.tries++;
      const error = failing(e);
      if (error) throw error;
      got.push(e.environment);
    },
  };
  return self;
}

/** Routes every event to `names` (or what `route` says). */
const routing = (route: string[] | ((event: DomainEvent) => string[])): EventRouting => ({
  targetsOf: async (e) => (typeof route === "function" ? route(e) : route),
  contextOf: async (e) => ({ owner: "@alice", links: { repository: `https://github.com/${e.repository}` } }),
});

const relayOf = (targets: NotificationTarget[], route: EventRouting, more: Partial<Parameters<typeof startOutboxRelay>[0]> = {}) =>
  startOutboxRelay({ outbox: store, targets, routing: route, onError: () => undefined, intervalMs: 60_000, retryBaseMs: 1000, now: () => clock, random: () => 0.5, ...more });

test("each event goes to the targets its routes name, in the order written, once each; unrouted targets get nothing", async () => {
  const [slack, hook, other] = [target("slack"), target("hook"), target("other")];
  await store.appendEvents([event("a"), event("b")]);
  await store.appendEvents([event("c")]);
  const relay = relayOf([slack, hook, other], routing((e) => (e.environment === "b" ? ["slack"] : ["slack", "hook"])));
  await relay.drain();
  await relay.drain();
  relay.stop();
  expect(slack.got).toEqual(["a", "b", "c"]);
  expect(hook.got).toEqual(["a", "c"]);
  expect(other.got).toEqual([]);
  expect(await store.pendingEvents(10)).toEqual([]);
  expect((await store.deliveryStatus()).map((s) => [s.target, s.delivered, s.waiting])).toEqual([
    ["hook", 2, 0],
    ["slack", 3, 0],
  ]);
});

test("a failing target is retried with growing delays and holds back only its own line: other targets and environments go on", async () => {
  let down = true;
  const slack = target("slack", (e) => (down && e.environment === "a" ? new Error("HTTP 503") : false));
  const hook = target("hook");
  await store.appendEvents([event("a"), event("b"), event("a", { type: "drift-found" } as Partial<DomainEvent>)]);
  const relay = relayOf([slack, hook], routing(["slack", "hook"]));
  await relay.drain();
  expect(hook.got).toEqual(["a", "b", "a"]);
  expect(slack.got).toEqual(["b"]); // a's second event waits behind its first
  expect(slack.tries).toBe(2);

  advance(499); // the first retry is due after 1000 ms × (½ + ½·0.5) = 750 ms
  await relay.drain();
  expect(slack.tries).toBe(2);
  advance(300);
  await relay.drain();
  expect(slack.tries).toBe(3); // failed again: the next wait doubles (1500 ms)
  advance(1000);
  await relay.drain();
  expect(slack.tries).toBe(3);

  down = false;
  advance(600);
  await relay.drain();
  relay.stop();
  expect(slack.got).toEqual(["b", "a", "a"]);
  expect((await store.dueDeliveries(new Date(clock.getTime() + 3600_000), 10)).length).toBe(0);
});

test(`a delivery that fails ${MAX_DELIVERY_ATTEMPTS} times is parked (shown, with its error), its line moves on, and a retry on demand delivers it`, async () => {
  let down = true;
  const slack = target("slack", (e) => (down && e.environment === "poison" ? new Error("HTTP 500: boom") : false));
  await store.appendEvents([event("poison"), event("next")]);
  const relay = relayOf([slack], routing(["slack"]));
  for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) {
    await relay.drain();
    advance(3600_000);
  }
  expect(slack.got).toEqual(["next"]);
  expect(await store.listParkedDeliveries({ limit: 10 })).toMatchObject([{ target: "slack", attempts: MAX_DELIVERY_ATTEMPTS, lastError: "HTTP 500: boom", event: { environment: "poison" } }]);
  expect(await store.deliveryStatus()).toMatchObject([{ target: "slack", parked: 1, delivered: 1, waiting: 0, lastError: "HTTP 500: boom" }]);

  down = false;
  expect(await store.retryParkedDeliveries({ target: "slack" }, clock)).toBe(1);
  await relay.drain();
  relay.stop();
  expect(slack.got).toEqual(["next", "poison"]);
  expect(await store.listParkedDeliveries({ limit: 10 })).toEqual([]);
});

test("a refusal a retry cannot mend (a 4xx) parks the delivery at once", async () => {
  const hook = target("hook", () => new PermanentDeliveryError("HTTP 404: no such hook"));
  await store.appendEvents([event("a")]);
  const relay = relayOf([hook], routing(["hook"]));
  await relay.drain();
  relay.stop();
  expect(hook.tries).toBe(1);
  expect(await store.listParkedDeliveries({ limit: 10 })).toMatchObject([{ target: "hook", attempts: 1, lastError: "HTTP 404: no such hook" }]);
});

test("a route naming a target the server does not have parks that delivery with how to set it up; the others are delivered", async () => {
  const slack = target("slack");
  await store.appendEvents([event("a")]);
  const relay = relayOf([slack], routing(["slack", "team-pager"]));
  await relay.drain();
  relay.stop();
  expect(slack.got).toEqual(["a"]);
  expect(await store.listParkedDeliveries({ limit: 10 })).toMatchObject([
    { target: "team-pager", lastError: "no notification target named team-pager is set up on this server (ENVBOT_NOTIFY_TEAM_PAGER_URL)" },
  ]);
});

test(`when an event's routes cannot be read, later events wait (order); after ${MAX_ROUTING_ATTEMPTS} tries the event is parked and the rest go on`, async () => {
  let githubDown = true;
  const slack = target("slack");
  const errors: unknown[] = [];
  await store.appendEvents([event("a"), event("b")]);
  const relay = relayOf([slack], routing((e) => {
    if (githubDown) throw new Error("GitHub: 502");
    return ["slack"];
  }), { onError: (error) => errors.push(error) });
  await relay.drain();
  expect(slack.got).toEqual([]);
  expect(await store.pendingEvents(10)).toMatchObject([{ event: { environment: "a" }, attempts: 1, lastError: "routing: GitHub: 502" }, { event: { environment: "b" } }]);
  githubDown = false;
  await relay.drain();
  expect(slack.got).toEqual(["a", "b"]);

  githubDown = true;
  await store.appendEvents([event("c")]);
  for (let i = 0; i < MAX_ROUTING_ATTEMPTS; i++) await relay.drain();
  relay.stop();
  expect(await store.pendingEvents(10)).toEqual([]);
  expect(errors.length).toBe(1 + MAX_ROUTING_ATTEMPTS);
});

test("what reaches a target is redacted with the secrets the process knows, the event and its context alike", async () => {
  const seen: unknown[] = [];
  const hook: NotificationTarget = { name: "hook", kind: "webhook", deliver: async (e, context) => void seen.push({ e, context }) };
  await store.appendEvents([domainEvent({ type: "plan-failed", repository: "acme/environments", environment: "a", runId: 1, reason: "token s3cr3t-value refused" }, AT)]);
  const relay = relayOf([hook], routing(["hook"]), { redact: (text) => text.replaceAll("s3cr3t-value", "***") });
  await relay.drain();
  relay.stop();
  expect(JSON.stringify(seen)).not.toContain("s3cr3t-value");
  expect(seen).toMatchObject([{ e: { reason: "token *** refused" }, context: { owner: "@alice" } }]);
});

test("an event answering a bus command goes to the replies target whatever the routes say", async () => {
  const replies = target("amqp.replies");
  const slack = target("slack");
  await store.appendEvents([event("a", { request: { id: "req-1", replyTo: "client.replies", command: "plan" } }), event("b")]);
  const relay = relayOf([slack], routing([]), { replies });
  await relay.drain();
  relay.stop();
  expect(replies.got).toEqual(["a"]);
  expect(slack.got).toEqual([]);
});

test("processes sharing one outbox (scale-out) relay one at a time: each event once, in order; another takes over when the relaying one stops", async () => {
  const got = target("hook");
  await store.appendEvents([event("a"), event("b"), event("c")]);
  const first = relayOf([got], routing(["hook"]), { lease: store });
  const second = relayOf([got], routing(["hook"]), { lease: store });
  await Promise.all([first.drain(), second.drain(), first.drain(), second.drain()]);
  expect(got.got).toEqual(["a", "b", "c"]);

  await store.appendEvents([event("d")]);
  await second.drain();
  expect(got.got).toEqual(["a", "b", "c"]); // the first relays while it holds the lease
  first.stop();
  // stop() lets the lease go without waiting: the second relays once it can take it.
  await eventually("the second relay took over", async () => {
    await second.drain();
    return got.got.length === 4;
  });
  second.stop();
  expect(got.got).toEqual(["a", "b", "c", "d"]);
});
