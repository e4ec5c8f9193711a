import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { renamedRepositoryStore } from "../../../src/adapters/store/renamed-repository-store.js";
import type { Store } from "../../../src/core/ports/index.js";

// `envbot ui` shows a checkout (records keyed by its path) under an OWNER/NAME the API's paths
// can carry: every read and write through the renamed store speaks that name, the records keep the path.
const stored = "/home/alice/environments";
const shown = "local/environments-0123456789ab";

describe("a store with one repository under another name", () => {
  let store: Store;
  let renamed: Store;
  beforeEach(async () => {
    store = openSqliteStore({ file: ":memory:" });
    renamed = renamedRepositoryStore(store, { stored, shown });
    await store.upsertEnvironment({ repository: stored, name: "sandbox", template: "sandbox", owner: "@alice", status: "active" });
    await store.upsertEnvironment({ repository: "octo-org/alpha", name: "demo", template: "sandbox", owner: "@bob", status: "active" });
  });
  afterEach(() => store.close());

  test("answers name the repository as shown, wherever it is a repository; others keep their names", async () => {
    expect(await renamed.listRepositories()).toEqual(expect.arrayContaining([shown, "octo-org/alpha"]));
    expect((await renamed.listEnvironments()).map((r) => [r.repository, r.name])).toEqual(expect.arrayContaining([[shown, "sandbox"], ["octo-org/alpha", "demo"]]));
    expect(await renamed.getEnvironment(shown, "sandbox")).toMatchObject({ repository: shown, name: "sandbox" });
    expect(await renamed.getEnvironment(stored, "sandbox")).toMatchObject({ repository: shown });
    const page = await renamed.queryEnvironments({ repositories: [shown], limit: 10 });
    expect(page).toMatchObject({ total: 1, items: [{ repository: shown, name: "sandbox" }] });
    // A cursor made from an answer finds its place among the records.
    expect(await renamed.queryEnvironments({ repositories: [shown, "octo-org/alpha"], after: [shown, "sandbox"], limit: 10 })).toMatchObject({ total: 2, items: [{ repository: "octo-org/alpha", name: "demo" }] });
  });

  test("writes go to the records as they are kept; a log line that reads like the path stays as it is", async () => {
    const run = await renamed.startRun({ repository: shown, environment: "sandbox", kind: "plan", actor: "cli:alice" });
    expect(run.repository).toBe(shown);
    expect((await store.getRun(run.id))!.repository).toBe(stored);
    await renamed.appendRunLog(run.id, [stored]);
    expect((await renamed.readRunLog(run.id, 0, 10)).map((l) => l.line)).toEqual([stored]);
    await renamed.recordAudit({ actor: "cli:alice", source: "api", action: "unlock", repository: shown, environment: "sandbox", outcome: "not locked" });
    expect((await store.listAudit({ repositories: [stored], limit: 10 })).map((a) => a.action)).toEqual(["unlock"]);
    expect((await renamed.listAudit({ repositories: [shown], limit: 10 })).map((a) => a.repository)).toEqual([shown]);
    expect(await store.getEnvironment(shown, "sandbox")).toBeUndefined();
  });
});
