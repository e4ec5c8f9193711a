import { openPostgresDatabase, openPostgresStore, PostgresSchemaTooNewError, postgresMigrations } from "../../src/adapters/store/postgres/index.js";
import { StoreUnavailableError } from "../../src/core/ports/index.js";
import { describeStoreContract } from "../contract/store-contract.js";
import { queryPostgres, startPostgres, type PostgresServer } from "../helpers/postgres-server.js";

let server: PostgresServer;
let schemas = 0;
/** Each store gets a schema of its own in the one server: tests stay apart without a server each. */
const newSchema = () => `store_${++schemas}`;

beforeAll(async () => {
  server = await startPostgres();
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

describeStoreContract("PostgreSQL", () => openPostgresStore({ connectionString: server.connectionString, schema: newSchema() }));

describe("PostgreSQL store's database", () => {
  test("processes starting at once migrate the schema exactly once", async () => {
    const schema = newSchema();
    const databases = await Promise.all(Array.from({ length: 5 }, () => openPostgresDatabase({ connectionString: server.connectionString, schema, poolSize: 2 })));
    try {
      const applied = await queryPostgres(server.connectionString, `SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(applied.split("\n").map(Number)).toEqual(postgresMigrations.map((m) => m.version));
    } finally {
      await Promise.all(databases.map((d) => d.close()));
    }
  });

  test("a schema written by a newer envbot is refused, with both versions named", async () => {
    const schema = newSchema();
    await (await openPostgresDatabase({ connectionString: server.connectionString, schema })).close();
    await queryPostgres(server.connectionString, `INSERT INTO ${schema}.schema_migrations (version, description) VALUES (999, 'from the future')`);
    const opening = openPostgresDatabase({ connectionString: server.connectionString, schema });
    await expect(opening).rejects.toThrow(PostgresSchemaTooNewError);
    await expect(opening).rejects.toThrow(`schema version 999); this envbot knows up to ${postgresMigrations.at(-1)!.version}`);
  });

  test("a schema name that is not a plain identifier is refused before anything is sent", async () => {
    await expect(openPostgresDatabase({ connectionString: server.connectionString, schema: "x; DROP TABLE runs" })).rejects.toThrow("is not a PostgreSQL schema name");
  });

  test("a database that cannot be reached is reported as unavailable, without the password", async () => {
    const unreachable = "postgresql://envbot:s3cret-pass@127.0.0.1:1/envbot?sslmode=disable";
    const opening = openPostgresStore({ connectionString: unreachable });
    await expect(opening).rejects.toThrow(StoreUnavailableError);
    await expect(opening).rejects.toThrow("PostgreSQL at 127.0.0.1:1/envbot cannot be reached (ECONNREFUSED)");
    await expect(opening).rejects.not.toThrow("s3cret-pass");
  });

  test("while PostgreSQL restarts, writes fail as unavailable and readiness says why; afterwards the same store carries on", async () => {
    const store = await openPostgresStore({ connectionString: server.connectionString, schema: newSchema() });
    try {
      const before = await store.upsertEnvironment({ repository: "acme/envs", name: "web", template: "sandbox", owner: "@a", status: "active" });
      await server.restart({
        whileDown: async () => {
          await expect(store.upsertEnvironment({ repository: "acme/envs", name: "web", status: "expiring" })).rejects.toThrow(StoreUnavailableError);
          expect(await store.health()).toEqual({ ok: false, reason: expect.stringContaining(`PostgreSQL at 127.0.0.1:${server.port}/envbot cannot be reached`) });
        },
      });
      expect(await store.health()).toEqual({ ok: true });
      expect(await store.getEnvironment("acme/envs", "web")).toStrictEqual(before);
      expect(await store.upsertEnvironment({ repository: "acme/envs", name: "web", status: "expiring" })).toMatchObject({ status: "expiring" });
    } finally {
      await store.close();
    }
  });
});
