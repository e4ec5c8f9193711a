import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { DELIVERY_PRUNE_INTERVAL_MS, pruneOldDeliveries, schedulePruning } from "../../src/access/github/prune-old-deliveries.js";
import { eventually } from "../helpers/eventually.js";
import { createAppHarness, sha, type AppHarness } from "../helpers/app-harness.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// The deliveries table kept every delivery id forever. Ids are kept a week (GitHub redelivers
// for 3 days) and forgotten as new deliveries arrive.

const DAY = 24 * 60 * 60 * 1000;
const mock = setupGitHubMock();
let app: AppHarness;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
});
afterEach(async () => {
  await app.cleanup();
  mock.after();
});

/** A delivery the app handles without calling GitHub: closing a pull request that holds nothing. */
const closedPullRequest = (deliveryId?: string) =>
  pullRequestEvent({ action: "closed", merged: false, number: 21, headSha: sha("head-21"), baseSha: sha("main"), deliveryId });

test("a delivery from 8 days ago is forgotten when a new delivery arrives; yesterday's is still recognized", async () => {
  const { store } = app.services.engine;
  await store.recordDelivery("delivered-8-days-ago", new Date(Date.now() - 8 * DAY));
  await store.recordDelivery("delivered-yesterday", new Date(Date.now() - DAY));

  await app.receive(closedPullRequest());

  expect(await store.recordDelivery("delivered-8-days-ago")).toBe(true); // forgotten: recorded anew
  expect(await store.recordDelivery("delivered-yesterday")).toBe(false); // still a redelivery
});

test("deliveries are pruned at most once an hour, not on every webhook", async () => {
  const store = openSqliteStore({ file: ":memory:" });
  const start = new Date("2026-11-20T12:00:00Z");
  await pruneOldDeliveries(store, start);

  await store.recordDelivery("old", new Date(start.getTime() - 8 * DAY));
  await pruneOldDeliveries(store, new Date(start.getTime() + DELIVERY_PRUNE_INTERVAL_MS - 1));
  expect(await store.recordDelivery("old")).toBe(false); // within the hour: not pruned yet

  await pruneOldDeliveries(store, new Date(start.getTime() + DELIVERY_PRUNE_INTERVAL_MS));
  expect(await store.recordDelivery("old")).toBe(true);
  await store.close();
});

test("pruning also runs on its own schedule: with no webhook arriving, an old delivery is forgotten", async () => {
  const store = openSqliteStore({ file: ":memory:" });
  await store.recordDelivery("delivered-8-days-ago", new Date(Date.now() - 8 * DAY));
  await store.recordDelivery("delivered-yesterday", new Date(Date.now() - DAY));
  const errors: unknown[] = [];
  // A short period stands in for the hour; the test waits for the record, not for a time.
  const stop = schedulePruning(store, { now: () => new Date(), onError: (error) => errors.push(error), everyMs: 20 });
  try {
    await eventually("the 8-day-old delivery forgotten", async () => !(await store.hasDelivery("delivered-8-days-ago")));
    expect(await store.hasDelivery("delivered-yesterday")).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    stop();
    await store.close();
  }
});
