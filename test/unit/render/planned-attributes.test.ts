import type { PlanSummary } from "../../../src/core/planning/index.js";
import { describePlanChanges } from "../../../src/render/environment-markdown.js";
import { renderApplyComment, renderPlanComment } from "../../../src/render/pull-request-comment.js";
import { formatPlanSummary } from "../../../src/render/plan-text.js";
import { wantsColor } from "../../../src/access/cli/cli-io.js";

// A reviewer sees what a create will set, in the CLI and in the pull request comment.
const summary: PlanSummary = {
  environment: "site",
  mode: "normal",
  changes: { add: 1, change: 0, destroy: 0, replace: 0 },
  hasChanges: true,
  resources: [
    {
      address: "module.environment.aws_s3_bucket.site",
      action: "create",
      attributes: [
        { path: "bucket", after: '"acme-site"' },
        { path: "password", sensitive: true },
        { path: "arn", unknown: true },
      ],
    },
  ],
  outputs: [],
  drift: [],
};

test("the CLI lists a create's attributes as Terraform does: path = value", () => {
  expect(formatPlanSummary(summary).split("\n").slice(-3)).toEqual(['      bucket = "acme-site"', "      password = (sensitive)", "      arn = (known after apply)"]);
});

test("the pull request comment folds them per resource", () => {
  const folded = describePlanChanges(summary).find((block) => block.startsWith("<details>"));
  expect(folded).toBe(
    [
      "<details><summary>`module.environment.aws_s3_bucket.site`: what it sets (3 attributes)</summary>",
      "",
      "```hcl",
      'bucket = "acme-site"',
      "password = (sensitive)",
      "arn = (known after apply)",
      "```",
      "",
      "</details>",
    ].join("\n"),
  );
});

test("on a terminal each resource line is coloured as Terraform colours its action; never without a terminal or with NO_COLOR", () => {
  expect(formatPlanSummary(summary, { color: true })).toContain("\u001b[32m  +   module.environment.aws_s3_bucket.site\u001b[0m");
  expect(formatPlanSummary(summary, { color: false })).not.toContain("\u001b[");
});

test("colour is wanted on a terminal only, and NO_COLOR or TERM=dumb turn it off", () => {
  expect(wantsColor(true, {})).toBe(true);
  expect(wantsColor(false, {})).toBe(false);
  expect(wantsColor(true, { NO_COLOR: "1" })).toBe(false);
  expect(wantsColor(true, { TERM: "dumb" })).toBe(false);
});

test("a removed definition of an environment destroyed already: the plan says merging only removes it, the apply that it was removed", () => {
  const destroyPlan = { ...summary, mode: "destroy" as const, changes: { add: 0, change: 0, destroy: 0, replace: 0 }, hasChanges: false, resources: [] };
  const comment = renderPlanComment({
    pullRequest: { repository: "acme/envs", number: 10, headSha: "a".repeat(40), baseSha: "b".repeat(40), headRepository: "acme/envs", author: "envbot[bot]", baseRef: "main", defaultBranch: "main" },
    environments: [{ kind: "planned", environment: "site", file: "environments/site.yaml", effect: "destroy", summary: destroyPlan, planText: "", templateSource: "base", alreadyDestroyed: true }],
    validation: { files: [], diagnostics: [] },
  }).join("\n");
  expect(comment).toContain("**Already destroyed** (at expiry, or earlier): merging only removes the definition.");
  expect(comment).not.toContain("Merging destroys this environment");

  const applied = renderApplyComment({
    pullRequest: { repository: "acme/envs", number: 10, headSha: "a".repeat(40), baseSha: "b".repeat(40), headRepository: "acme/envs", author: "envbot[bot]", baseRef: "main", defaultBranch: "main" },
    mergeSha: "c".repeat(40),
    environments: [{ kind: "applied", environment: "site", effect: "destroy", summary: destroyPlan, outputs: {}, alreadyDestroyed: true }],
  }).join("\n");
  expect(applied).toContain("definition removed");
  expect(applied).toContain("It had been destroyed already (at expiry, or earlier); the merge removed its definition.");
  expect(applied).not.toContain("0 resources destroyed");
});
