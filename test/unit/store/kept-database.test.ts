import { setImmediate as nextTurn } from "node:timers/promises";
import { openKeptDatabase } from "../../../src/adapters/store/sqlite/kept-database.js";

describe("SQLite connections and statements kept for the life of the process", () => {
  test("thousands of stores opened and closed, then garbage collected, do not abort the process (Node 24.19+ with better-sqlite3 12)", async () => {
    // Without keeping them, this aborts the test process on Node 24.19+ (exit 134, an assertion in
    // Statement::~Statement): scripts/test-on-node.sh runs this tier on Node 24.
    for (let i = 0; i < 2000; i++) {
      const db = openKeptDatabase(":memory:");
      db.exec("CREATE TABLE t (x)");
      db.prepare("INSERT INTO t VALUES (?)").run(i);
      db.pragma("foreign_keys = ON");
      db.close();
    }
    // Enough garbage for the collector to run, and turns of the event loop for its background tasks.
    let survived = 0;
    for (let round = 0; round < 10; round++) {
      const garbage = Array.from({ length: 100_000 }, (_, i) => ({ i, padding: new Array(100) }));
      survived += garbage.length;
      await nextTurn();
    }
    expect(survived).toBe(1_000_000);
  });

  test("a statement is prepared once per SQL text and reused", () => {
    const db = openKeptDatabase(":memory:");
    try {
      db.exec("CREATE TABLE t (x)");
      const insert = db.prepare("INSERT INTO t VALUES (?)");
      expect(db.prepare("INSERT INTO t VALUES (?)")).toBe(insert);
      insert.run(1);
      db.prepare("INSERT INTO t VALUES (?)").run(2);
      expect(db.prepare("SELECT x FROM t ORDER BY x").all()).toEqual([{ x: 1 }, { x: 2 }]);
    } finally {
      db.close();
    }
  });

  test("pragmas set and read as better-sqlite3's own pragma() does", () => {
    const db = openKeptDatabase(":memory:");
    try {
      db.pragma("foreign_keys = OFF");
      expect(db.pragma("foreign_keys", { simple: true })).toBe(0);
      db.pragma("foreign_keys = ON");
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(db.pragma("foreign_keys")).toEqual([{ foreign_keys: 1 }]);
    } finally {
      db.close();
    }
  });
});
