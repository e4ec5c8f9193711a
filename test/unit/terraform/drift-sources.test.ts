import { segmentsOf } from "../../../src/adapters/terraform/drift-sources.js";
import { summarizePlanJson } from "../../../src/adapters/terraform/summarize-plan-json.js";

// A drifted attribute's source: which template variables its configuration reads, as
// `terraform show -json` (Terraform 1.11) writes the configuration of the template module.
const bucket = "module.environment.aws_s3_bucket.site";
const website = "module.environment.aws_s3_bucket_website_configuration.site";
const configuration = {
  root_module: {
    module_calls: {
      environment: {
        module: {
          resources: [
            { address: "aws_s3_bucket.site", expressions: { bucket_prefix: { constant_value: "envbot-site-" }, tags: { references: ["var.tags"] }, secret: { references: ["var.token"] } } },
            { address: "aws_s3_bucket_website_configuration.site", expressions: { bucket: { references: ["aws_s3_bucket.site.id", "aws_s3_bucket.site"] }, index_document: [{ suffix: { references: ["var.index_document"] } }] } },
          ],
        },
      },
    },
  },
};
const drifted = (address: string, before: unknown, after: unknown, sensitive: unknown = {}) => ({ address, change: { actions: ["update"], before, after, after_unknown: {}, before_sensitive: sensitive, after_sensitive: sensitive } });

test("a drifted tag's source is the variable its attribute reads, at the tag's key, with the values whole; tags_all (no expression) has none", () => {
  const summary = summarizePlanJson(
    { configuration, resource_drift: [drifted(bucket, { tags: { team: "web" }, tags_all: { team: "web" }, bucket_prefix: "envbot-site-" }, { tags: { team: "checkout" }, tags_all: { team: "checkout" }, bucket_prefix: "envbot-site-" })] },
    "site",
    "normal",
    "all",
  );
  expect(summary.drift[0]!.attributes).toEqual([
    { path: "tags.team", before: '"web"', after: '"checkout"', source: { variables: ["tags"], within: ["team"], before: "web", after: "checkout" } },
    { path: "tags_all.team", before: '"web"', after: '"checkout"' },
  ]);
});

test("an attribute of a nested block reads its expression inside the block; another resource's reference is no variable; a sensitive attribute has no source", () => {
  const summary = summarizePlanJson(
    {
      configuration,
      resource_drift: [
        drifted(website, { bucket: "a", index_document: [{ suffix: "index.html" }] }, { bucket: "b", index_document: [{ suffix: "home.html" }] }),
        drifted(bucket, { secret: "s1" }, { secret: "s2" }, { secret: true }),
      ],
    },
    "site",
    "normal",
    "all",
  );
  expect(summary.drift[0]!.attributes).toEqual([
    { path: "bucket", before: '"a"', after: '"b"' },
    { path: "index_document[0].suffix", before: '"index.html"', after: '"home.html"', source: { variables: ["index_document"], within: [], before: "index.html", after: "home.html" } },
  ]);
  expect(summary.drift[1]!.attributes).toEqual([{ path: "secret", sensitive: true }]);
});

test("a resource outside the template module, or one the configuration does not hold, has no sources", () => {
  const summary = summarizePlanJson({ configuration, resource_drift: [drifted("aws_s3_bucket.root", { tags: { a: "1" } }, { tags: { a: "2" } }), drifted("module.environment.aws_s3_bucket.other", { tags: { a: "1" } }, { tags: { a: "2" } })] }, "site", "normal", "all");
  expect(summary.drift.flatMap((r) => r.attributes.map((a) => a.source))).toEqual([undefined, undefined]);
});

test("a path is read against the values it came from: a map key may hold a dot", () => {
  expect(segmentsOf("tags.a.b", { tags: { "a.b": "1" } })).toEqual(["tags", "a.b"]);
  expect(segmentsOf("rule[1].days", { rule: [{ days: 1 }, { days: 2 }] })).toEqual(["rule", 1, "days"]);
  expect(segmentsOf("tags.gone", { tags: {} }, { tags: { gone: "x" } })).toEqual(["tags", "gone"]);
  expect(segmentsOf("nowhere.x", { tags: {} })).toBeUndefined();
});
