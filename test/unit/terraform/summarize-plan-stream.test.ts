import { needsAttributeDetail, parsePlanStream, summarizePlanStream } from "../../../src/adapters/terraform/summarize-plan-stream.js";

// Lines as `terraform plan -json` (Terraform 1.11, UI 1.2) prints them, trimmed to the fields read.
const line = (value: object) => JSON.stringify({ "@level": "info", "@module": "terraform.ui", ...value });
const change = (type: string, addr: string, action: string) =>
  line({ type, "@message": `${addr}: Plan to ${action}`, change: { resource: { addr }, action } });

describe("reading terraform plan -json", () => {
  const stdout = [
    line({ type: "version", "@message": "Terraform 1.11.4", terraform: "1.11.4", ui: "1.2" }),
    line({ type: "refresh_start", "@message": "a.b: Refreshing state..." }),
    change("planned_change", "module.environment.aws_s3_bucket.site", "create"),
    change("planned_change", "module.environment.aws_s3_object.old", "delete"),
    change("planned_change", "data.aws_caller_identity.me", "read"),
    line({ type: "change_summary", "@message": "Plan: 1 to add, 0 to change, 1 to destroy.", changes: { add: 1, change: 0, remove: 1 } }),
    line({ type: "outputs", "@message": "Outputs: 2", outputs: { url: { sensitive: false, action: "create" }, same: { sensitive: false, action: "noop" } } }),
    "not json at all",
  ].join("\n");

  test("creations and deletions are summarized; what a creation sets needs the plan's detail (show -json), a deletion does not", () => {
    const stream = parsePlanStream(stdout);
    expect(needsAttributeDetail(stream)).toBe(true);
    const deletesOnly = parsePlanStream(change("planned_change", "module.environment.aws_s3_object.old", "delete"));
    expect(needsAttributeDetail(deletesOnly)).toBe(false);
    expect(summarizePlanStream(stream, "site", "normal")).toEqual({
      environment: "site",
      mode: "normal",
      changes: { add: 1, change: 0, destroy: 1, replace: 0 },
      hasChanges: true,
      resources: [
        { address: "module.environment.aws_s3_bucket.site", action: "create", attributes: [] },
        { address: "module.environment.aws_s3_object.old", action: "delete", attributes: [] },
      ],
      outputs: [{ name: "url", action: "create", sensitive: false }],
      drift: [],
      terraformVersion: "1.11.4",
    });
    expect(stream.messages).toEqual([
      "module.environment.aws_s3_bucket.site: Plan to create",
      "module.environment.aws_s3_object.old: Plan to delete",
      "Plan: 1 to add, 0 to change, 1 to destroy.",
    ]);
  });

  test("an update or any drift asks for attribute detail", () => {
    expect(needsAttributeDetail(parsePlanStream(change("planned_change", "a.b", "update")))).toBe(true);
    expect(needsAttributeDetail(parsePlanStream(change("planned_change", "a.b", "replace")))).toBe(true);
    expect(needsAttributeDetail(parsePlanStream(change("resource_drift", "a.b", "update")))).toBe(true);
  });

  test("error diagnostics are rendered as Terraform prints them, with file and line", () => {
    const stream = parsePlanStream(
      line({
        type: "diagnostic",
        "@level": "error",
        diagnostic: { severity: "error", summary: "Unclosed configuration block", detail: "There is no closing brace.", range: { filename: "template/main.tf", start: { line: 1 } } },
      }),
    );
    expect(stream.errors).toEqual(["Error: Unclosed configuration block\n\n  on template/main.tf line 1\n\nThere is no closing brace."]);
  });
});
