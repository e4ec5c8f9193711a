import { parseInfracostOutput } from "../../../src/adapters/cost/parse-infracost-output.js";

/** `infracost breakdown --format json` of a plan with an instance (and its disks) and a Lambda function without usage, as Infracost 0.10 prints it. */
const BREAKDOWN = {
  version: "0.2",
  currency: "USD",
  projects: [
    {
      name: "plan.json",
      metadata: { path: "plan.json", type: "terraform_plan_json" },
      pastBreakdown: { resources: [], totalHourlyCost: "0", totalMonthlyCost: "0" },
      breakdown: {
        resources: [
          {
            name: "module.app.aws_lambda_function.hello",
            metadata: {},
            hourlyCost: null,
            monthlyCost: null,
            costComponents: [{ name: "Requests", unit: "1M requests", hourlyQuantity: null, monthlyQuantity: null, price: "0.2", hourlyCost: null, monthlyCost: null }],
          },
          {
            name: "module.app.aws_instance.web",
            metadata: {},
            hourlyCost: "1.017315068493150679",
            monthlyCost: "742.64",
            costComponents: [{ name: "Instance usage (Linux/UNIX, on-demand, m5.4xlarge)", unit: "hours", hourlyQuantity: "1", monthlyQuantity: "730", price: "0.768", hourlyCost: "0.768", monthlyCost: "560.64" }],
            subresources: [{ name: "root_block_device", metadata: {}, hourlyCost: "0.00684931506849315", monthlyCost: "5", costComponents: [] }],
          },
          { name: "module.app.aws_eip.web", metadata: {}, hourlyCost: "0.005", monthlyCost: "3.65", costComponents: [] },
        ],
        totalHourlyCost: "1.022315068493150679",
        totalMonthlyCost: "746.29",
      },
      diff: { resources: [], totalHourlyCost: "1.022315068493150679", totalMonthlyCost: "746.29" },
      summary: { unsupportedResourceCounts: {} },
    },
  ],
  totalHourlyCost: "1.022315068493150679",
  totalMonthlyCost: "746.29",
  pastTotalHourlyCost: "0",
  pastTotalMonthlyCost: "0",
  diffTotalHourlyCost: "1.022315068493150679",
  diffTotalMonthlyCost: "746.29",
  timeGenerated: "2026-11-23T12:00:00Z",
  summary: { unsupportedResourceCounts: {} },
};

test("Infracost's totals, currency and priced resources, the costliest first; a usage-based resource without usage has no price and is left out", () => {
  expect(parseInfracostOutput(JSON.stringify(BREAKDOWN))).toEqual({
    ok: true,
    breakdown: {
      hourly: 1.022315068493150679,
      monthly: 746.29,
      currency: "USD",
      resources: [
        { address: "module.app.aws_instance.web", hourly: 1.017315068493150679 },
        { address: "module.app.aws_eip.web", hourly: 0.005 },
      ],
    },
  });
});

test("totals Infracost left null are the sum of what it priced; monthly is 730 hours of it", () => {
  const projects = [{ breakdown: { resources: [{ name: "aws_eip.a", hourlyCost: "0.005" }, { name: "aws_eip.b", hourlyCost: "0.005" }, { name: "aws_lambda_function.c", hourlyCost: null }] } }];
  const parsed = parseInfracostOutput(JSON.stringify({ currency: "USD", projects, totalHourlyCost: null, totalMonthlyCost: null }));
  expect(parsed).toEqual({ ok: true, breakdown: { hourly: 0.01, monthly: 7.3, currency: "USD", resources: [{ address: "aws_eip.a", hourly: 0.005 }, { address: "aws_eip.b", hourly: 0.005 }] } });
  // Nothing priced at all: free, as far as Infracost knows.
  expect(parseInfracostOutput(JSON.stringify({ projects: [], totalHourlyCost: null, totalMonthlyCost: null }))).toEqual({ ok: true, breakdown: { hourly: 0, monthly: 0, currency: "USD", resources: [] } });
});

test("missing and odd fields: a later format's address and numbers are read; entries that are not resources are skipped", () => {
  const parsed = parseInfracostOutput(
    JSON.stringify({
      currency: "eur", // not an ISO code as Infracost writes it: the default
      projects: [
        { name: "no breakdown" },
        { breakdown: { resources: "none" } },
        { breakdown: { resources: [null, 7, { hourlyCost: "1" }, { type: "aws_instance", name: "web", address: "aws_instance.web", hourlyCost: 0.0416 }, { name: "aws_eip.x", hourlyCost: "-1" }, { name: "aws_eip.y", hourlyCost: "lots" }] } },
      ],
    }),
  );
  expect(parsed).toEqual({ ok: true, breakdown: { hourly: 0.0416, monthly: expect.closeTo(30.368, 6), currency: "USD", resources: [{ address: "aws_instance.web", hourly: 0.0416 }] } });
  expect(parseInfracostOutput(JSON.stringify({ currency: "EUR", totalHourlyCost: "0.5", totalMonthlyCost: "365" }))).toEqual({ ok: true, breakdown: { hourly: 0.5, monthly: 365, currency: "EUR", resources: [] } });
});

test("output that is not Infracost's JSON is a failure with its reason, never a price of 0", () => {
  expect(parseInfracostOutput("")).toEqual({ ok: false, reason: "its output is not JSON" });
  expect(parseInfracostOutput("Error: No INFRACOST_API_KEY environment variable is set.")).toEqual({ ok: false, reason: "its output is not JSON" });
  expect(parseInfracostOutput("[1, 2]")).toEqual({ ok: false, reason: "its output is not an Infracost breakdown" });
  expect(parseInfracostOutput("null")).toEqual({ ok: false, reason: "its output is not an Infracost breakdown" });
  expect(parseInfracostOutput('{"version": "0.2"}')).toEqual({ ok: false, reason: "its output is not an Infracost breakdown (no projects, no totals)" });
});
