import { classifyTerraformFailure } from "../../../src/adapters/terraform/classify-terraform-failure.js";
import { ConfigurationError, ProviderError, ProviderInstallError, ProviderUnreachableError, StateLockedError, TerraformError } from "../../../src/core/terraform/index.js";

// Error texts as Terraform 1.11 and the aws provider 5.x print them.
describe("turning Terraform's error text into a typed error", () => {
  test.each([
    ["plan", "Error: Error acquiring the state lock\n\nLock Info:\n  ID: 1", StateLockedError, "the environment's Terraform state is locked by another operation"],
    ["init", "Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions", ProviderInstallError, "Terraform could not install the template's providers"],
    ["apply", 'Error: creating S3 Bucket (x): operation error S3: CreateBucket, dial tcp 127.0.0.1:9: connect: connection refused\n\n  on template/main.tf line 28', ProviderUnreachableError, "a provider's API or the state backend could not be reached"],
    ["init", 'Error: Failed to get existing workspaces: dial tcp 127.0.0.1:5432: connect: connection refused', ProviderUnreachableError, "a provider's API or the state backend could not be reached"],
    ["plan", "Error: operation error STS: GetCallerIdentity, https response error StatusCode: 403, api error InvalidClientTokenId: The security token included in the request is invalid", ProviderError, "a provider could not reach or authenticate with its API"],
    ["plan", "Error: No valid credential sources found", ProviderError, "a provider could not reach or authenticate with its API"],
    ["init", "Error: Unclosed configuration block\n\n  on template/main.tf line 1", ConfigurationError, "the template's Terraform code has an error"],
    ["plan", 'Error: Unsupported argument\n\n  on cdk.tf.json line 20, in module.environment:', ConfigurationError, "the template's Terraform code has an error"],
    ["apply", "Error: local-exec provisioner error\n\n  with module.environment.terraform_data.stubborn,\n  on template/main.tf line 2", TerraformError, "a provisioner of the template failed"],
    ["apply", "Error: creating thing: quota exceeded\n\n  on template/main.tf line 9", TerraformError, "terraform apply failed"],
    ["apply", "Error: something else entirely", TerraformError, "terraform apply failed"],
  ] as const)("%s: %j", (step, stderr, type, reason) => {
    const error = classifyTerraformFailure(step, stderr);
    expect(error).toBeInstanceOf(type);
    expect(error.reason).toBe(reason);
    expect(error.details).toBe(stderr);
  });
});

describe("the PostgreSQL schema of an environment's state", () => {
  test("is readable, at most 63 bytes, and different for names that fold alike", async () => {
    const { pgSchemaName } = await import("../../../src/adapters/terraform/synthesize-root-module.js");
    expect(pgSchemaName("envbot", "acme/shop", "checkout")).toMatch(/^envbot_acme_shop_checkout_[0-9a-f]{8}$/);
    expect(pgSchemaName("envbot", "acme/x-y", "a1")).not.toBe(pgSchemaName("envbot", "acme/x_y", "a1"));
    const long = pgSchemaName("envbot", `acme/${"r".repeat(100)}`, "e".repeat(40));
    expect(long.length).toBeLessThanOrEqual(63);
  });
});

test("only an unreachable provider or backend is worth running again; bad credentials are not", () => {
  expect(classifyTerraformFailure("plan", "Error: dial tcp 10.0.0.1:443: i/o timeout")).toBeInstanceOf(ProviderUnreachableError);
  expect(classifyTerraformFailure("plan", "Error: No valid credential sources found")).not.toBeInstanceOf(ProviderUnreachableError);
});
