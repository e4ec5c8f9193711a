import { InputUnavailableError, upstreamInputs } from "../../../src/core/engine/upstream-inputs.js";

// Where a variable that takes another environment's output gets its value at plan time.
const inputs = { db_url: { fromEnvironment: "shared-db", output: "url" } };
const store = (record?: object) => ({ getEnvironment: async () => record as never });
const applied = { name: "shared-db", status: "active", firstAppliedAt: new Date("2026-12-01T00:00:00Z"), outputs: { url: "postgres://db:5432" } };

test("from the upstream's last apply; from its plan in the same pull request, where that plan knows it", async () => {
  expect(await upstreamInputs(store(applied), "acme/envs", { inputs })).toEqual({ db_url: "postgres://db:5432" });
  expect(await upstreamInputs(store(undefined), "acme/envs", { inputs }, new Map([["shared-db", { url: "postgres://planned:5432" }]]))).toEqual({ db_url: "postgres://planned:5432" });
});

test("an upstream not applied, an output its apply did not record, or one its plan knows only after apply: a failure that says which and why", async () => {
  await expect(upstreamInputs(store(undefined), "acme/envs", { inputs })).rejects.toThrow(new InputUnavailableError("variable db_url takes the output url of shared-db, which is not applied: apply shared-db first (one merge that adds both applies it first)"));
  await expect(upstreamInputs(store({ ...applied, status: "destroyed" }), "acme/envs", { inputs })).rejects.toThrow("which is not applied");
  await expect(upstreamInputs(store({ ...applied, outputs: {} }), "acme/envs", { inputs })).rejects.toThrow("which its last apply did not record (a sensitive output is not passed between environments)");
  await expect(upstreamInputs(store(applied), "acme/envs", { inputs }, new Map([["shared-db", { port: 5432 }]]))).rejects.toThrow(
    "variable db_url takes the output url of shared-db, which is known only after shared-db is applied: it is planned again at the merge, after shared-db",
  );
});
