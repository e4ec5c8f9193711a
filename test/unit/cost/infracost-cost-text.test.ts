import type { HourlyPrice } from "../../../src/core/planning/index.js";
import { formatCostEstimate } from "../../../src/render/cost-text.js";
import { renderPlanComment } from "../../../src/render/pull-request-comment.js";
import { planned, pullRequest, summaryOf } from "../render/report-fixtures.js";

const ttl72h = { kind: "ttl", ttl: "72h", defaulted: false } as const;

const infracost: HourlyPrice = {
  hourly: 0.0892,
  source: "infracost",
  breakdown: {
    monthly: 65.12,
    resources: [
      { address: "module.environment.aws_instance.web", hourly: 0.0416 },
      { address: "module.environment.aws_nat_gateway.main", hourly: 0.045 },
      { address: "module.environment.aws_eip.web", hourly: 0.005 },
      { address: 'module.environment.aws_s3_bucket.site["`docs`"]', hourly: 0.0007 },
      { address: "module.environment.aws_ebs_volume.data", hourly: 0.0011 },
      { address: "module.environment.aws_cloudwatch_log_group.app", hourly: 0.0001 },
    ].sort((a, b) => b.hourly - a.hourly),
  },
};

test("with Infracost: its price, and its five most expensive resources with their hourly price", () => {
  expect(formatCostEstimate(infracost, ttl72h)).toBe(
    [
      "Cost: about $0.09/hour, $2.14/day; expires after 72h: about $6.42 in all (Infracost). The most expensive resources:",
      "- `module.environment.aws_nat_gateway.main`: $0.045/hour",
      "- `module.environment.aws_instance.web`: $0.0416/hour",
      "- `module.environment.aws_eip.web`: $0.005/hour",
      "- `module.environment.aws_ebs_volume.data`: $0.0011/hour",
      '- ``module.environment.aws_s3_bucket.site["`docs`"]``: $0.0007/hour',
    ].join("\n"),
  );
  // Nothing with a price (all free or usage-based): the line alone.
  expect(formatCostEstimate({ hourly: 0, source: "infracost", breakdown: { monthly: 0, resources: [] } }, { kind: "unlimited" })).toBe("Cost: about $0.00/hour, $0.00/day (Infracost).");
});

test("a very long address (a for_each key is any text) is cut in the list", () => {
  const address = `module.environment.aws_instance.web["${"k".repeat(200)}"]`;
  const text = formatCostEstimate({ hourly: 0.0416, source: "infracost", breakdown: { monthly: 30.37, resources: [{ address, hourly: 0.0416 }] } });
  expect(text.split("\n")[1]).toBe(`- \`${address.slice(0, 99)}…\`: $0.0416/hour`);
});

test("when Infracost failed: the table's estimate, and why, as text", () => {
  const fallback: HourlyPrice = { hourly: 0.0021, source: "estimate", unpriced: ["aws_widget"], fallback: "infracost failed: No INFRACOST_API_KEY environment variable is set." };
  expect(formatCostEstimate(fallback, { kind: "unlimited" })).toBe(
    "Cost: about $0.002/hour, $0.05/day (estimated from envbot's price table; infracost failed: No INFRACOST\\_API\\_KEY environment variable is set; no price for aws_widget).",
  );
  const markup: HourlyPrice = { hourly: 0, source: "estimate", fallback: "infracost failed: <img src=x> `rm -rf` [link](http://x)" };
  expect(formatCostEstimate(markup)).toBe("Cost: about $0.00/hour, $0.00/day (estimated from envbot's price table; infracost failed: \\<img src=x\\> \\`rm -rf\\` \\[link\\](http://x)).");
});

test("the plan comment shows Infracost's price and its most expensive resources under the environment", () => {
  const summary = summaryOf("checkout", { cost: { ...infracost, breakdown: { monthly: 65.12, resources: infracost.breakdown!.resources.slice(0, 2) } } });
  const [body] = renderPlanComment({ pullRequest, validation: { files: ["environments/checkout.yaml"], diagnostics: [] }, environments: [planned("checkout", { summary, lifetime: ttl72h })] });
  expect(body).toContain(
    [
      "Cost: about $0.09/hour, $2.14/day; expires after 72h: about $6.42 in all (Infracost). The most expensive resources:",
      "- `module.environment.aws_nat_gateway.main`: $0.045/hour",
      "- `module.environment.aws_instance.web`: $0.0416/hour",
      "",
    ].join("\n"),
  );
});
