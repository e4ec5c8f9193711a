import { chmodSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { keepSessionSecret, SESSION_SECRET_FILE } from "../../src/composition/keep-session-secret.js";

let dataDir: string;
const warnings: string[] = [];
const log = { warn: (message: string) => void warnings.push(message) };

beforeEach(async () => {
  dataDir = path.join(await mkdtemp(path.join(tmpdir(), "envbot-secret-")), "data");
  warnings.length = 0;
});
afterEach(async () => rm(path.dirname(dataDir), { recursive: true, force: true }));

const store = { keepServerSecret: async () => "never asked" };

describe("the session secret", () => {
  test("ENVBOT_SESSION_SECRET is used as it is; without sign-in and without it there is none", async () => {
    const configured = "c".repeat(44);
    expect(await keepSessionSecret({ configured, signIn: true, mode: "embedded", dataDir, store, log })).toBe(configured);
    expect(await keepSessionSecret({ signIn: false, mode: "embedded", dataDir, store, log })).toBeUndefined();
  });

  test("embedded, one is generated at the first start into a file only its owner reads, and the same one is read at every later start", async () => {
    const first = await keepSessionSecret({ signIn: true, mode: "embedded", dataDir, store, log });
    expect(Buffer.byteLength(first!)).toBeGreaterThanOrEqual(32);
    const file = path.join(dataDir, SESSION_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await keepSessionSecret({ signIn: true, mode: "embedded", dataDir, store, log })).toBe(first);
    const together = await Promise.all([1, 2, 3].map(() => keepSessionSecret({ signIn: true, mode: "embedded", dataDir, store, log })));
    expect(together).toEqual([first, first, first]);
    expect(warnings).toEqual([]);
  });

  test("a kept file others could read is made 0600 with a warning; one without a whole secret is refused, naming the file only", async () => {
    const file = path.join(dataDir, SESSION_SECRET_FILE);
    await keepSessionSecret({ signIn: true, mode: "embedded", dataDir, store, log });
    chmodSync(file, 0o644);
    await keepSessionSecret({ signIn: true, mode: "embedded", dataDir, store, log });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining(`${file} could be read by others`)]);
    writeFileSync(file, "short-secret\n");
    const refused = keepSessionSecret({ signIn: true, mode: "embedded", dataDir, store, log });
    await expect(refused).rejects.toThrow(`${file}: does not hold a session secret of at least 32 bytes`);
    await expect(refused).rejects.not.toThrow("short-secret");
  });

  test("in scale-out it is kept in the shared store: every server gets the one the first kept", async () => {
    const shared = openSqliteStore({ file: ":memory:" });
    try {
      const servers = await Promise.all([1, 2].map(() => keepSessionSecret({ signIn: true, mode: "scale-out", dataDir, store: shared, log })));
      expect(servers[0]).toBe(servers[1]);
      expect(Buffer.byteLength(servers[0]!)).toBeGreaterThanOrEqual(32);
    } finally {
      await shared.close();
    }
  });
});
