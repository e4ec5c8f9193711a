import { InputUnavailableError, sensitiveInputRunValues, upstreamInputs } from "../../../src/core/engine/upstream-inputs.js";
import { inputsToWaitFor } from "../../../src/core/pull-requests/input-waits.js";

// Where a variable that takes another environment's output gets its value at plan time.
const inputs = { db_url: { fromEnvironment: "shared-db", output: "url" } };
const changedAt = new Date("2026-12-02T00:00:00Z");
const store = (record?: object, sensitive: Record<string, unknown> = {}) => ({
  getEnvironment: async () => record as never,
  getSensitiveValues: async () => Object.fromEntries(Object.entries(sensitive).map(([name, value]) => [name, { value, changedAt }])),
});
const applied = { name: "shared-db", status: "active", firstAppliedAt: new Date("2026-12-01T00:00:00Z"), outputs: { url: "postgres://db:5432" } };

test("from the upstream's last apply; from its plan in the same pull request, where that plan knows it", async () => {
  expect(await upstreamInputs(store(applied), "acme/envs", { inputs })).toEqual({ values: { db_url: "postgres://db:5432" }, sensitive: {}, recorded: { db_url: "postgres://db:5432" } });
  expect((await upstreamInputs(store(undefined), "acme/envs", { inputs }, new Map([["shared-db", { url: "postgres://planned:5432" }]]))).values).toEqual({ db_url: "postgres://planned:5432" });
});

test("a sensitive output: passed apart from the plain values, recorded only as when it last changed", async () => {
  const taken = await upstreamInputs(store({ ...applied, outputs: {} }, { url: "postgres://admin:hunter22@db" }), "acme/envs", { inputs });
  expect(taken).toEqual({ values: {}, sensitive: { db_url: "postgres://admin:hunter22@db" }, recorded: { db_url: "(sensitive, changed 2026-12-02T00:00:00.000Z)" } });
  expect(JSON.stringify(taken.recorded)).not.toContain("hunter22");
  // As Terraform is given it: JSON in the root module's own sensitive variable; every string inside hidden.
  expect(sensitiveInputRunValues(taken.sensitive)).toEqual({ variables: { envbot_input_db_url: '"postgres://admin:hunter22@db"' }, secrets: ["postgres://admin:hunter22@db"] });
  expect(sensitiveInputRunValues({ creds: { user: "admin", password: "hunter22", port: 5432, tls: true } }).secrets).toEqual(["admin", "hunter22", '{"user":"admin","password":"hunter22","port":5432,"tls":true}']);
});

test("an upstream not applied, an output its apply did not give, or one its plan knows only after apply: a failure that says which and why", async () => {
  await expect(upstreamInputs(store(undefined), "acme/envs", { inputs })).rejects.toThrow(new InputUnavailableError("variable db_url takes the output url of shared-db, which is not applied: apply shared-db first (one merge that adds both applies it first)"));
  await expect(upstreamInputs(store({ ...applied, status: "destroyed" }), "acme/envs", { inputs })).rejects.toThrow("which is not applied");
  await expect(upstreamInputs(store({ ...applied, outputs: {} }), "acme/envs", { inputs })).rejects.toThrow("which its last apply did not give: apply shared-db with that output first");
  await expect(upstreamInputs(store(applied), "acme/envs", { inputs }, new Map([["shared-db", { port: 5432 }]]))).rejects.toThrow(
    "variable db_url takes the output url of shared-db, which is known only after shared-db is applied: it is planned again at the merge, after shared-db",
  );
});

test("a pull request's plan waits for an output no plan of the same run knows, or an upstream the run did not plan; an upstream outside the run gives its recorded value", () => {
  const app = { inputs: { db_url: { fromEnvironment: "db", output: "url" }, net_id: { fromEnvironment: "net", output: "id" }, zone: { fromEnvironment: "dns", output: "zone" } } };
  expect(inputsToWaitFor(app, new Set(["db", "net"]), new Map([["db", { url: "postgres://db" }]]))).toEqual([{ variable: "net_id", fromEnvironment: "net", output: "id", why: "upstream-not-planned" }]);
  expect(inputsToWaitFor(app, new Set(["db", "net"]), new Map([["db", {}], ["net", { id: "n-1" }]]))).toEqual([{ variable: "db_url", fromEnvironment: "db", output: "url", why: "known-after-apply" }]);
  expect(inputsToWaitFor(app, new Set(), new Map())).toEqual([]);
});
