import { startOutboxRelay, MAX_DELIVERY_ATTEMPTS, type EventSubscriber } from "../../../src/adapters/outbox/outbox-relay.js";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { domainEvent, type DomainEvent } from "../../../src/core/events/domain-event.js";
import type { Store } from "../../../src/core/ports.js";

const AT = new Date("2026-12-01T12:00:00Z");
const event = (environment: string): DomainEvent => domainEvent({ type: "drift-resolved", repository: "acme/environments", environment, actor: "reconciler" }, AT);

let store: Store;
beforeEach(() => {
  store = openSqliteStore({ file: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

/** A subscriber that keeps what it got and fails while `failing` says so. */
function subscriber(failing: (event: DomainEvent) => boolean = () => false): EventSubscriber & { got: string[] } {
  const got: string[] = [];
  return {
    name: "test",
    got,
    async deliver(e) {
      if (failing(e)) throw new Error(`${e.environment} refused`);
      got.push(e.environment);
    },
  };
}

test("events are delivered in the order they were written, to every subscriber, once", async () => {
  const [one, two] = [subscriber(), subscriber()];
  await store.appendEvents([event("a"), event("b")]);
  await store.appendEvents([event("c")]);
  const relay = startOutboxRelay({ outbox: store, subscribers: [one, two], onError: () => undefined, intervalMs: 60_000 });
  await relay.drain();
  await relay.drain();
  relay.stop();
  expect(one.got).toEqual(["a", "b", "c"]);
  expect(two.got).toEqual(["a", "b", "c"]);
  expect(await store.pendingEvents(10)).toEqual([]);
});

test("a failed delivery is offered again (at least once), and holds back the events after it until then", async () => {
  let down = true;
  const target = subscriber((e) => down && e.environment === "b");
  const errors: unknown[] = [];
  await store.appendEvents([event("a"), event("b"), event("c")]);
  const relay = startOutboxRelay({ outbox: store, subscribers: [target], onError: (error) => errors.push(error), intervalMs: 60_000 });
  await relay.drain();
  expect(target.got).toEqual(["a"]);
  expect(await store.pendingEvents(10)).toMatchObject([{ event: { environment: "b" }, attempts: 1, lastError: "test: b refused" }, { event: { environment: "c" } }]);
  expect(errors).toHaveLength(1);

  down = false;
  await relay.drain();
  relay.stop();
  expect(target.got).toEqual(["a", "b", "c"]);
});

test(`an event that fails ${MAX_DELIVERY_ATTEMPTS} times is parked and no longer blocks the others`, async () => {
  const target = subscriber((e) => e.environment === "poison");
  await store.appendEvents([event("poison"), event("next")]);
  const relay = startOutboxRelay({ outbox: store, subscribers: [target], onError: () => undefined, intervalMs: 60_000 });
  for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) await relay.drain();
  relay.stop();
  expect(target.got).toEqual(["next"]);
  expect(await store.pendingEvents(10)).toEqual([]);
});

test("processes sharing one outbox (scale-out) relay one at a time: each event once, in order; another takes over when the relaying one stops", async () => {
  const got = subscriber();
  await store.appendEvents([event("a"), event("b"), event("c")]);
  const first = startOutboxRelay({ outbox: store, subscribers: [got], lease: store, onError: () => undefined, intervalMs: 60_000 });
  const second = startOutboxRelay({ outbox: store, subscribers: [got], lease: store, onError: () => undefined, intervalMs: 60_000 });
  await Promise.all([first.drain(), second.drain(), first.drain(), second.drain()]);
  expect(got.got).toEqual(["a", "b", "c"]);

  await store.appendEvents([event("d")]);
  await second.drain();
  expect(got.got).toEqual(["a", "b", "c"]); // the first relays while it holds the lease
  first.stop();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await second.drain();
  second.stop();
  expect(got.got).toEqual(["a", "b", "c", "d"]);
});
