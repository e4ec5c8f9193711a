import { planDependencies } from "../../../src/adapters/terraform/plan-dependencies.js";
import { formatResourceGraph, MAX_GRAPH_RESOURCES } from "../../../src/render/resource-graph.js";

/** The configuration part of `terraform show -json PLANFILE` for the static-site template in a module. */
const plan = {
  configuration: {
    root_module: {
      resources: [{ address: "terraform_data.marker", mode: "managed", expressions: { input: { constant_value: "x" } } }],
      module_calls: {
        site: {
          module: {
            resources: [
              { address: "aws_s3_bucket.site", mode: "managed", expressions: { bucket_prefix: { constant_value: "envbot-site-" } } },
              { address: "aws_s3_bucket_website_configuration.site", mode: "managed", expressions: { bucket: { references: ["aws_s3_bucket.site.id", "aws_s3_bucket.site"] } } },
              { address: "aws_s3_object.index", mode: "managed", expressions: { bucket: { references: ["aws_s3_bucket.site.id", "aws_s3_bucket.site"] }, key: { references: ["var.index_document"] } }, depends_on: ["aws_s3_bucket_website_configuration.site"] },
              { address: "data.aws_region.here", mode: "data" },
            ],
          },
        },
      },
    },
  },
};

test("each planned resource depends on the resources its arguments refer to and its depends_on, in its module; data sources are not drawn", () => {
  expect(planDependencies(plan)).toEqual({
    "terraform_data.marker": [],
    "module.site.aws_s3_bucket.site": [],
    "module.site.aws_s3_bucket_website_configuration.site": ["module.site.aws_s3_bucket.site"],
    "module.site.aws_s3_object.index": ["module.site.aws_s3_bucket.site", "module.site.aws_s3_bucket_website_configuration.site"],
  });
  expect(planDependencies({})).toEqual({});
});

test("the graph is a Mermaid flowchart grouped by module, an arrow from each resource to what it depends on", () => {
  expect(formatResourceGraph(planDependencies(plan))).toBe(
    [
      "flowchart LR",
      "  subgraph m0[\"module.site\"]",
      "    r0[\"aws_s3_bucket.site\"]",
      "    r1[\"aws_s3_bucket_website_configuration.site\"]",
      "    r2[\"aws_s3_object.index\"]",
      "  end",
      "  r3[\"terraform_data.marker\"]",
      "  r1 --> r0",
      "  r2 --> r0",
      "  r2 --> r1",
    ].join("\n"),
  );
  expect(formatResourceGraph({})).toBeUndefined();
});

test("labels cannot end their quotes; a large graph is cut with a note", () => {
  expect(formatResourceGraph({ 'aws_thing.x["a"]': [] })).toContain('r0["aws_thing.x[#34;a#34;]"]');
  const many = Object.fromEntries(Array.from({ length: MAX_GRAPH_RESOURCES + 5 }, (_, i) => [`terraform_data.n${String(i).padStart(3, "0")}`, []]));
  const graph = formatResourceGraph(many)!;
  expect(graph.split("\n").filter((line) => line.includes("terraform_data."))).toHaveLength(MAX_GRAPH_RESOURCES);
  expect(graph).toContain('more["…and 5 more"]');
});
