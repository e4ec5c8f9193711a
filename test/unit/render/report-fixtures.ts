import type { PlanSummary } from "../../../src/core/planning/index.js";
import type {
  EnvironmentApplyReport,
  EnvironmentReport,
  PullRequestApplyReport,
  PullRequestPlanReport,
  PullRequestRef,
} from "../../../src/core/ports/pull-request-report.js";

export const pullRequest: PullRequestRef = {
  repository: "acme/environments",
  number: 12,
  headSha: "3f2a9c81d07e4b6a9f1c2d3e4f5a6b7c8d9e0f1a",
  baseSha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
  headRepository: "acme/environments",
  author: "alice",
  baseRef: "main",
  defaultBranch: "main",
};

export function summaryOf(environment: string, overrides: Partial<PlanSummary> = {}): PlanSummary {
  return {
    environment,
    mode: "normal",
    changes: { add: 1, change: 1, destroy: 0, replace: 0 },
    hasChanges: true,
    resources: [
      { address: "terraform_data.site", action: "create", attributes: [] },
      {
        address: "aws_s3_bucket.assets",
        action: "update",
        attributes: [
          { path: "tags.team", before: "web", after: "checkout" },
          { path: "tags.cost-center", before: "1", after: "2" },
          { path: "tags.owner", before: "a", after: "b" },
          { path: "versioning.enabled", before: "false", after: "true" },
        ],
      },
    ],
    outputs: [
      { name: "url", action: "create", sensitive: false },
      { name: "admin_password", action: "create", sensitive: true },
    ],
    drift: [],
    terraformVersion: "1.11.4",
    ...overrides,
  };
}

export const PLAN_TEXT = [
  "Terraform will perform the following actions:",
  "",
  "  # terraform_data.site will be created",
  '  + resource "terraform_data" "site" {',
  "      + id     = (known after apply)",
  '      + input  = "hello"',
  "    }",
  "",
  "Plan: 1 to add, 1 to change, 0 to destroy.",
].join("\n");

export function planned(environment: string, overrides: Partial<Extract<EnvironmentReport, { kind: "planned" }>> = {}): EnvironmentReport {
  return {
    kind: "planned",
    environment,
    file: `environments/${environment}.yaml`,
    effect: "apply",
    summary: summaryOf(environment),
    planText: PLAN_TEXT,
    templateSource: "head",
    lockHolder: { kind: "pull-request", number: 12 },
    ...overrides,
  };
}

/** One of each kind, as a typical busy pull request would have. */
export function typicalPlanReport(): PullRequestPlanReport {
  return {
    pullRequest,
    validation: {
      files: ["environments/checkout.yaml", "environments/search.yaml", "environments/legacy.yaml", "environments/broken.yaml"],
      diagnostics: [
        {
          file: "environments/broken.yaml",
          line: 8,
          column: 8,
          path: "spec.ttl",
          message: "'two days' is not a duration like 72h (a whole number followed by m, h or d)",
        },
        {
          file: "environments/broken.yaml",
          line: 11,
          column: 5,
          path: "spec.variables.greting",
          message: "unknown variable of template 'sandbox'; did you mean 'greeting'?",
        },
      ],
    },
    environments: [
      planned("checkout", {
        summary: summaryOf("checkout", { drift: [{ address: "aws_s3_bucket.assets", action: "update", attributes: [{ path: "tags.note", before: "x", after: "y" }] }] }),
      }),
      planned("legacy", {
        effect: "destroy",
        summary: summaryOf("legacy", {
          mode: "destroy",
          changes: { add: 0, change: 0, destroy: 2, replace: 0 },
          resources: [
            { address: "terraform_data.site", action: "delete", attributes: [] },
            { address: "aws_sqs_queue.jobs", action: "delete", attributes: [] },
          ],
          outputs: [],
        }),
        planText: "Plan: 0 to add, 0 to change, 2 to destroy.",
      }),
      { kind: "locked", environment: "search", file: "environments/search.yaml", heldBy: { kind: "pull-request", number: 9 }, since: new Date("2024-05-01T10:00:00Z") },
      { kind: "invalid", environment: "broken", file: "environments/broken.yaml", problems: 2 },
      {
        kind: "failed",
        environment: "payments",
        file: "environments/payments.yaml",
        effect: "apply",
        reason: "Terraform could not read the template: Unsupported argument in main.tf",
        details: 'Error: Unsupported argument\n\n  on main.tf line 4, in resource "terraform_data" "site":\n   4:   inputs = "x"\n\nAn argument named "inputs" is not expected here. Did you mean "input"?',
        log: "Initializing the backend...\nInitializing provider plugins...\nError: Unsupported argument",
      },
      { kind: "superseded", environment: "staging", file: "environments/staging.yaml" },
    ],
  };
}

export function typicalApplyReport(): PullRequestApplyReport {
  const environments: EnvironmentApplyReport[] = [
    {
      kind: "applied",
      environment: "checkout",
      effect: "apply",
      summary: summaryOf("checkout"),
      outputs: { url: "https://checkout.example.test", admin_password: "hunter2", bucket: "acme-checkout-assets", ports: [80, 443] },
      url: "https://checkout.example.test",
    },
    {
      kind: "applied",
      environment: "legacy",
      effect: "destroy",
      summary: summaryOf("legacy", { mode: "destroy", changes: { add: 0, change: 0, destroy: 2, replace: 0 }, outputs: [] }),
      outputs: {},
    },
    {
      kind: "failed",
      environment: "payments",
      effect: "apply",
      reason: "The provider could not reach its API",
      details: "Error: dial tcp 127.0.0.1:4566: connect: connection refused",
      log: "aws_s3_bucket.assets: Creating...\nError: dial tcp 127.0.0.1:4566: connect: connection refused",
    },
    { kind: "invalid", environment: "broken", problems: 1 },
  ];
  return { pullRequest, mergeSha: "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d", environments };
}

/** The fenced blocks of a markdown text, as CommonMark reads them (backtick fences only). */
export function fencedBlocks(markdown: string): { info: string; content: string }[] {
  const blocks: { info: string; content: string }[] = [];
  let open: { fence: string; info: string; lines: string[] } | undefined;
  for (const line of markdown.split("\n")) {
    if (open) {
      const close = /^ {0,3}(`+)\s*$/.exec(line);
      if (close && close[1]!.length >= open.fence.length) {
        blocks.push({ info: open.info, content: open.lines.join("\n") });
        open = undefined;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    const start = /^ {0,3}(`{3,})([^`]*)$/.exec(line);
    if (start) open = { fence: start[1]!, info: start[2]!.trim(), lines: [] };
  }
  if (open) throw new Error(`unclosed fence ${open.fence}`);
  return blocks;
}
