import { summarizePlanJson } from "../../../src/adapters/terraform/summarize-plan-json.js";

// Shapes as `terraform show -json` (format 1.2, Terraform 1.11) prints them.
const bucket = "module.environment.aws_s3_bucket.site";
const change = (actions: string[], before: unknown, after: unknown, extra: Record<string, unknown> = {}) => ({
  actions,
  before,
  after,
  after_unknown: {},
  before_sensitive: {},
  after_sensitive: {},
  ...extra,
});

describe("summarizing a plan", () => {
  test("a create lists what it sets, as Terraform's plan shows it: values, known after apply, sensitive masked, nulls left out", () => {
    const summary = summarizePlanJson(
      {
        resource_changes: [
          {
            address: bucket,
            change: change(
              ["create"],
              null,
              { bucket: "acme-site", force_destroy: true, tags: { owner: "@acme/qa" }, password: "hunter2", policy: null, website: [] },
              { after_unknown: { arn: true, id: true }, after_sensitive: { password: true } },
            ),
          },
        ],
      },
      "site",
      "normal",
    );
    expect(summary.resources[0]!.attributes).toEqual([
      { path: "bucket", after: '"acme-site"' },
      { path: "force_destroy", after: "true" },
      { path: "tags.owner", after: '"@acme/qa"' },
      { path: "password", sensitive: true },
      { path: "arn", unknown: true },
      { path: "id", unknown: true },
    ]);
    expect(JSON.stringify(summary)).not.toContain("hunter2");
  });

  test("counts as Terraform does: a replacement is one add and one destroy", () => {
    const summary = summarizePlanJson(
      {
        terraform_version: "1.11.4",
        resource_changes: [
          { address: "a.create", change: change(["create"], null, { x: 1 }) },
          { address: "a.update", change: change(["update"], { x: 1 }, { x: 2 }) },
          { address: "a.replace", change: change(["delete", "create"], { x: 1 }, { x: 2 }) },
          { address: "a.delete", change: change(["delete"], { x: 1 }, null) },
          { address: "a.same", change: change(["no-op"], { x: 1 }, { x: 1 }) },
          { address: "data.a.read", change: change(["read"], null, {}) },
        ],
      },
      "checkout",
      "normal",
    );
    expect(summary.changes).toEqual({ add: 2, change: 1, destroy: 2, replace: 1 });
    expect(summary.resources.map((r) => `${r.action} ${r.address}`)).toEqual(["create a.create", "update a.update", "replace a.replace", "delete a.delete"]);
    expect(summary).toMatchObject({ environment: "checkout", mode: "normal", hasChanges: true, terraformVersion: "1.11.4" });
  });

  test("an update lists each changed attribute with before and after; sensitive values never appear", () => {
    const summary = summarizePlanJson(
      {
        resource_changes: [
          {
            address: "a.b",
            change: change(
              ["update"],
              { name: "old", tags: { team: "a", keep: "k" }, password: "hunter2", list: [1, 2] },
              { name: "new", tags: { team: "b", keep: "k" }, password: "hunter3", list: [1, 3] },
              { before_sensitive: { password: true }, after_sensitive: { password: true } },
            ),
          },
        ],
      },
      "x1",
      "normal",
    );
    expect(summary.resources[0]!.attributes).toEqual([
      { path: "name", before: '"old"', after: '"new"' },
      { path: "tags.team", before: '"a"', after: '"b"' },
      { path: "password", sensitive: true },
      { path: "list[1]", before: "2", after: "3" },
    ]);
    expect(JSON.stringify(summary)).not.toMatch(/hunter/);
  });

  test("values known only after apply are marked so", () => {
    const summary = summarizePlanJson(
      { resource_changes: [{ address: "a.b", change: change(["update"], { id: "1", arn: "old" }, { id: "1" }, { after_unknown: { arn: true } }) }] },
      "x1",
      "normal",
    );
    expect(summary.resources[0]!.attributes).toEqual([{ path: "arn", before: '"old"', unknown: true }]);
  });

  test("no changes: hasChanges is false and nothing is listed", () => {
    const summary = summarizePlanJson({ resource_changes: [{ address: "a.b", change: change(["no-op"], {}, {}) }], output_changes: { url: change(["no-op"], "u", "u") } }, "x1", "normal");
    expect(summary).toMatchObject({ hasChanges: false, resources: [], outputs: [], drift: [], changes: { add: 0, change: 0, destroy: 0, replace: 0 } });
  });

  const drifted = {
    address: bucket,
    change: change(["update"], { tags_all: { owner: "@a" }, website: [] }, { tags_all: { owner: "@b" }, website: [{ index_document: "index.html" }] }),
  };

  test("a normal plan keeps drift of a resource it changes, with every drifted attribute", () => {
    const summary = summarizePlanJson(
      { resource_drift: [drifted], resource_changes: [{ address: bucket, change: change(["update"], { tags: { owner: "@b" } }, { tags: { owner: "@a" } }) }] },
      "site",
      "normal",
    );
    expect(summary.drift).toEqual([
      { address: bucket, action: "update", attributes: [{ path: "tags_all.owner", before: '"@a"', after: '"@b"' }, { path: "website[0].index_document", after: '"index.html"' }] },
    ]);
  });

  test("a normal plan drops drift its changes do not read (provider bookkeeping after an apply)", () => {
    const summary = summarizePlanJson(
      { resource_drift: [drifted], resource_changes: [], relevant_attributes: [{ resource: bucket, attribute: ["id"] }] },
      "site",
      "normal",
    );
    expect(summary.drift).toEqual([]);
    expect(summary.hasChanges).toBe(false);
  });

  test("a normal plan keeps the drifted attributes its changes read", () => {
    const summary = summarizePlanJson(
      { resource_drift: [drifted], relevant_attributes: [{ resource: bucket, attribute: ["tags_all"] }] },
      "site",
      "normal",
    );
    expect(summary.drift[0]!.attributes).toEqual([{ path: "tags_all.owner", before: '"@a"', after: '"@b"' }]);
  });

  test("a drift check's normal plan lists all drift, every attribute, yet drift alone is no change to apply", () => {
    const summary = summarizePlanJson(
      { resource_drift: [drifted], resource_changes: [], relevant_attributes: [{ resource: bucket, attribute: ["id"] }] },
      "site",
      "normal",
      "all",
    );
    expect(summary.drift).toHaveLength(1);
    expect(summary.drift[0]!.attributes).toHaveLength(2);
    expect(summary.hasChanges).toBe(false);
  });

  test("outputs are listed with their action and sensitivity", () => {
    const summary = summarizePlanJson(
      { output_changes: { url: change(["create"], null, "http://x"), token: { ...change(["update"], "a", "b"), after_sensitive: true } } },
      "x1",
      "normal",
    );
    expect(summary.outputs).toEqual([
      { name: "url", action: "create", sensitive: false },
      { name: "token", action: "update", sensitive: true },
    ]);
  });
});

test("an object shown whole before it becomes known after apply: the parts marked sensitive are masked", () => {
  const plan = {
    resource_changes: [
      {
        address: "terraform_data.consumer",
        mode: "managed",
        type: "terraform_data",
        name: "consumer",
        change: {
          actions: ["update"],
          before: { input: { password: "hunter22", id: "v-1" }, output: { password: "hunter22", id: "v-1" } },
          after: { input: { password: "hunter23", id: "v-1" } },
          after_unknown: { output: true },
          before_sensitive: { input: { password: true }, output: { password: true } },
          after_sensitive: { input: { password: true } },
        },
      },
    ],
  };
  const summary = summarizePlanJson(plan, "consumer", "normal");
  expect(summary.resources[0]!.attributes).toEqual([
    { path: "input.password", sensitive: true },
    { path: "output", before: '{"password":"(sensitive value)","id":"v-1"}', unknown: true },
  ]);
  expect(JSON.stringify(summary)).not.toContain("hunter2");
});
