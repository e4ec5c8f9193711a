import { findOrphans, type InventoryResource } from "../../../src/core/inventory/index.js";

const REPO = "acme/environments";
const resource = (address: string, extra: Partial<InventoryResource>): InventoryResource => ({ address, type: "aws_s3_bucket", provider: "aws", dependsOn: [], attributes: {}, ...extra });
const tags = (environment: string, repository = REPO) => ({ "envbot:environment": environment, "envbot:repository": repository });

test("a resource tagged for an environment of the repository but in no environment's state is an orphan; others are not", () => {
  const inventories = [
    [resource("aws_s3_bucket.site", { arn: "arn:aws:s3:::envbot-site-1", cloudId: "envbot-site-1" })],
    // The state has no ARN for it, only its id.
    [resource("aws_instance.web", { type: "aws_instance", cloudId: "i-0abc" })],
  ];
  const tagged = [
    { arn: "arn:aws:s3:::envbot-site-1", tags: tags("site") },
    { arn: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", tags: tags("web") },
    { arn: "arn:aws:s3:::envbot-site-left-behind", tags: tags("site") },
    { arn: "arn:aws:s3:::someone-elses", tags: tags("blog", "acme/other") },
    { arn: "arn:aws:s3:::untagged-env", tags: { "envbot:repository": REPO } },
  ];
  expect(findOrphans(REPO, tagged, inventories)).toEqual([{ environment: "site", arn: "arn:aws:s3:::envbot-site-left-behind", tags: tags("site") }]);
  expect(findOrphans(REPO, [], inventories)).toEqual([]);
});
