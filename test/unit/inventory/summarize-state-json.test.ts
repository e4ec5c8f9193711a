import { MAX_ATTRIBUTE_TEXT, summarizeStateJson } from "../../../src/adapters/terraform/summarize-state-json.js";
import { matchResource } from "../../../src/core/inventory/index.js";

/** `terraform show -json` of a state, shaped as Terraform 1.11 prints it. */
const state = {
  format_version: "1.0",
  terraform_version: "1.11.4",
  values: {
    outputs: { url: { sensitive: false, value: "http://acme-assets.s3-website-us-east-1.amazonaws.com", type: "string" } },
    root_module: {
      resources: [
        { address: "data.aws_caller_identity.me", mode: "data", type: "aws_caller_identity", name: "me", provider_name: "registry.terraform.io/hashicorp/aws", values: { account_id: "123456789012" }, sensitive_values: {} },
        { address: "terraform_data.marker", mode: "managed", type: "terraform_data", name: "marker", provider_name: "terraform.io/builtin/terraform", values: { id: "6f1c", input: "x".repeat(MAX_ATTRIBUTE_TEXT + 50) }, sensitive_values: {} },
      ],
      child_modules: [
        {
          address: "module.site",
          resources: [
            {
              address: "module.site.aws_s3_bucket_website_configuration.site",
              mode: "managed",
              type: "aws_s3_bucket_website_configuration",
              name: "site",
              provider_name: "registry.terraform.io/hashicorp/aws",
              values: { id: "acme-assets", bucket: "acme-assets", index_document: [{ suffix: "index.html" }] },
              sensitive_values: { index_document: [{}] },
              depends_on: ["module.site.aws_s3_bucket.site"],
            },
            {
              address: "module.site.aws_s3_bucket.site",
              mode: "managed",
              type: "aws_s3_bucket",
              name: "site",
              provider_name: "registry.terraform.io/hashicorp/aws",
              values: { id: "acme-assets", arn: "arn:aws:s3:::acme-assets", bucket: "acme-assets", tags: { "envbot:environment": "checkout", api_key: "s3cr3t" }, password: "hunter2" },
              sensitive_values: { tags: { api_key: true }, password: true },
            },
          ],
        },
      ],
    },
  },
};

test("the managed resources of a state, with module, cloud id, ARN and dependencies; data sources are not held", () => {
  const resources = summarizeStateJson(state);
  expect(resources.map((r) => r.address)).toEqual(["module.site.aws_s3_bucket.site", "module.site.aws_s3_bucket_website_configuration.site", "terraform_data.marker"]);
  expect(resources[0]).toMatchObject({ type: "aws_s3_bucket", provider: "registry.terraform.io/hashicorp/aws", module: "module.site", cloudId: "acme-assets", arn: "arn:aws:s3:::acme-assets", dependsOn: [] });
  expect(resources[1]).toMatchObject({ cloudId: "acme-assets", dependsOn: ["module.site.aws_s3_bucket.site"], attributes: { index_document: [{ suffix: "index.html" }] } });
  expect(resources[1]!.arn).toBeUndefined();
  expect(resources[2]!.module).toBeUndefined();
});

test("attributes the state marks sensitive are never kept, nested ones too; long texts are cut", () => {
  const [bucket, , marker] = summarizeStateJson(state);
  expect(bucket!.attributes).toEqual({ id: "acme-assets", arn: "arn:aws:s3:::acme-assets", bucket: "acme-assets", tags: { "envbot:environment": "checkout" } });
  expect(JSON.stringify(summarizeStateJson(state))).not.toMatch(/s3cr3t|hunter2/);
  expect(String(marker!.attributes.input)).toHaveLength(MAX_ATTRIBUTE_TEXT + 1);
});

test("an empty state (after a destroy) holds nothing", () => {
  expect(summarizeStateJson({ format_version: "1.0" })).toEqual([]);
});

test("a search matches the ARN, the id, the type, the address, an attribute's value, or KEY=VALUE; never a part of a value", () => {
  const [bucket] = summarizeStateJson(state);
  expect(matchResource(bucket!, "arn:aws:s3:::acme-assets")).toBe("arn");
  expect(matchResource(bucket!, "acme-assets")).toBe("id");
  expect(matchResource(bucket!, "aws_s3_bucket")).toBe("type");
  expect(matchResource(bucket!, "module.site.aws_s3_bucket.site")).toBe("address");
  expect(matchResource(bucket!, "checkout")).toBe("tags.envbot:environment");
  expect(matchResource(bucket!, "tags.envbot:environment=checkout")).toBeUndefined(); // keys with ':' are not KEY=VALUE paths
  expect(matchResource(bucket!, "bucket=acme-assets")).toBe("bucket");
  expect(matchResource(bucket!, "acme")).toBeUndefined();
  expect(matchResource(bucket!, "s3cr3t")).toBeUndefined();
});
