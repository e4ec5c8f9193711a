import { eventually } from "../../helpers/eventually.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { watchStoreHealth } from "../../../src/composition/watch-store-health.js";

test("an idle App logs once, with the reason, that its database file was deleted", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "envbot-watch-"));
  const store = openSqliteStore({ file: path.join(dir, "envbot.db") });
  const errors: string[] = [];
  const stop = watchStoreHealth(store, { error: (message) => errors.push(message) }, 5);
  try {
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(errors).toEqual([]);
    await rm(path.join(dir, "envbot.db"));
    await eventually("the deleted file logged", () => errors.length > 0);
    // Checks go on every 5 ms; the loss is said once, not at every check.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([expect.stringMatching(/store is unavailable: the database file was deleted or replaced/)]);
  } finally {
    stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
