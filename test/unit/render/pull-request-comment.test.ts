import type { EnvironmentReport, PullRequestPlanReport } from "../../../src/core/ports/pull-request-report.js";
import { COMMENT_BODY_LIMIT } from "../../../src/render/github-limits.js";
import {
  APPLY_COMMENT_MARKER,
  COMMENT_MARKER,
  parseCommentPart,
  renderApplyComment,
  renderPlanComment,
} from "../../../src/render/pull-request-comment.js";
import { fencedBlocks, planned, pullRequest, summaryOf, typicalApplyReport, typicalPlanReport } from "./report-fixtures.js";

function reportWith(environments: EnvironmentReport[]): PullRequestPlanReport {
  return { pullRequest, validation: { files: environments.map((e) => e.file), diagnostics: [] }, environments };
}

/** A plan text of about `chars` characters, in numbered lines. */
function bigPlanText(environment: string, chars: number): string {
  const lines: string[] = [];
  for (let i = 0, length = 0; length < chars; i++) {
    const line = `  + resource "terraform_data" "${environment}_${i}" { input = "${"x".repeat(40)}" }`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join("\n");
}

describe("the plan comment", () => {
  test("a typical pull request: every kind of environment, validation problems, the commands", () => {
    const parts = renderPlanComment(typicalPlanReport());
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchSnapshot();
  });

  test("a clean pull request with one environment", () => {
    const parts = renderPlanComment(reportWith([planned("checkout")]));
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchSnapshot();
  });

  test("an environment with awake hours: its schedule, hours asleep and the saving a month at the plan's price", () => {
    const hibernation = { schedule: "awake mon-fri 08:00-19:00 (Europe/Berlin)", asleepHoursPerWeek: 113, form: "destroyed" as const };
    const cost = { hourly: 0.1, source: "template" as const };
    const [body] = renderPlanComment(reportWith([planned("checkout", { hibernation, summary: summaryOf("checkout", { cost }) })]));
    // $0.10 x 113 hours x 4.348 weeks (365.25 / 12 / 7).
    expect(body).toContain("Hibernation: awake mon-fri 08:00-19:00 (Europe/Berlin); asleep 113 hours a week, destroyed until it wakes: saves about $49.13 a month.");
    const [values] = renderPlanComment(reportWith([planned("checkout", { hibernation: { ...hibernation, form: "sleep-values" }, summary: summaryOf("checkout", { cost }) })]));
    expect(values).toContain("asleep 113 hours a week, with its template's sleep values (the saving depends on them).");
  });

  test("a pull request from a fork is told its template changes are not planned", () => {
    const fork = { ...pullRequest, headRepository: "mallory/environments" };
    const [body] = renderPlanComment({ ...reportWith([planned("checkout", { templateSource: "default-branch" })]), pullRequest: fork });
    expect(body).toContain("The template code comes from the default branch (`main`), because this pull request comes from a fork");
    const [own] = renderPlanComment(reportWith([planned("checkout", { templateSource: "default-branch" })]));
    expect(own).toContain("because its author has no write access to `acme/environments`");
  });

  test("the author of a locked environment's pull request is told who holds it and what to do", () => {
    const [body] = renderPlanComment(
      reportWith([{ kind: "locked", environment: "search", file: "environments/search.yaml", heldBy: { kind: "pull-request", number: 9 }, since: new Date("2024-05-01T10:00:00Z") }]),
    );
    expect(body).toContain(
      "`search` is locked by #9 since 2024-05-01 10:00 UTC: it is planned and applied by #9 first, so it was not planned here. " +
        "Once #9 is merged or closed, comment `/envbot plan search` on this pull request to plan it. " +
        "If #9 no longer needs `search`, comment `/envbot unlock search` on #9 to release it.",
    );
  });

  test("many validation problems: the first ten are listed, the rest counted", () => {
    const diagnostics = Array.from({ length: 25 }, (_, i) => ({ file: "environments/broken.yaml", line: i + 1, column: 3, path: `spec.x${i}`, message: "bad" }));
    const [body] = renderPlanComment({ pullRequest, validation: { files: ["environments/broken.yaml"], diagnostics }, environments: [] });
    expect(body).toContain("25 problems in 1 file (1 environment definition checked):");
    expect(body).toContain("environments/broken.yaml:10:3: spec.x9: bad");
    expect(body).not.toContain("environments/broken.yaml:11:3:");
    expect(body).toContain("…and 15 more in the `envbot validate` check run.");
  });

  test("200 environments with large plans are split into numbered parts, each within GitHub's limit, each environment once", () => {
    const environments = Array.from({ length: 200 }, (_, i) => {
      const name = `env-${String(i).padStart(3, "0")}`;
      return planned(name, { planText: bigPlanText(name, 4_000 + (i % 7) * 3_000) });
    });
    const parts = renderPlanComment(reportWith(environments));

    expect(parts.length).toBeGreaterThan(1);
    for (const [i, body] of parts.entries()) {
      expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
      expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
      expect(parseCommentPart(body)).toEqual({ comment: "plan", part: i + 1, of: parts.length });
      expect(body).toContain(`_Part ${i + 1} of ${parts.length}`);
      expect(() => fencedBlocks(body)).not.toThrow();
    }
    const all = parts.join("\n");
    for (const environment of environments) {
      expect(all.split(`#### \`${environment.environment}\`:`).length - 1).toBe(1);
    }
    // Sections are kept whole: no plan was shortened or cut.
    expect(all).not.toContain("✂️");
    expect(parts[0]).toContain("### envbot plan for `3f2a9c8`");
    expect(parts.at(-1)).toContain("`/envbot unlock [NAME]`");
  });

  test("one environment with a 200,000-character plan: shortened to fit, saying how many lines were left out and where the plan is", () => {
    const planText = bigPlanText("huge", 200_000);
    const total = planText.split("\n").length;
    const parts = renderPlanComment(reportWith([planned("huge", { planText })]));

    expect(parts).toHaveLength(1);
    const body = parts[0]!;
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    const notice = /✂️ The last ([\d,]+) lines of ([\d,]+) are left out here to fit GitHub's comment size limit; the `envbot plan: huge` check run shows more of it\./.exec(body);
    expect(notice).not.toBeNull();
    expect(Number(notice![2]!.replace(/,/g, ""))).toBe(total);
    const omitted = Number(notice![1]!.replace(/,/g, ""));
    const plan = fencedBlocks(body).find((b) => b.info === "text")!;
    expect(plan.content.split("\n").length + omitted).toBe(total);
    expect(planText.startsWith(plan.content)).toBe(true);
    expect(body).toContain(`<details><summary>Plan (${omitted.toLocaleString("en-US")} lines of ${total.toLocaleString("en-US")} left out)</summary>`);
  });

  test("a plan that fits the check run but not the comment is said to be whole in the check run", () => {
    const planText = bigPlanText("big", 64_000);
    const [body] = renderPlanComment(reportWith([planned("big", { planText, summary: summaryOf("big", { resources: Array.from({ length: 200 }, (_, i) => ({ address: `terraform_data.r${i}`, action: "create" as const, attributes: [] })) }) })]));
    expect(body).toMatch(/are left out here to fit GitHub's comment size limit; the `envbot plan: big` check run has the whole plan\./);
  });

  test("a plan text containing ``` cannot break out of its fence", () => {
    const planText = ['  + input = <<-EOT', "```", "</details>", "# not a heading", "````", "  EOT", "Plan: 1 to add"].join("\n");
    const [body] = renderPlanComment(reportWith([planned("checkout", { planText })]));
    const blocks = fencedBlocks(body!);
    expect(blocks.filter((b) => b.info === "text").map((b) => b.content)).toEqual([planText]);
    // The fold closes after the fence, outside it.
    expect(body).toMatch(/\n`````\n\n<\/details>/);
  });

  test("a section too long even without its plan is cut at a line, closed properly, and says so", () => {
    const resources = Array.from({ length: 5_000 }, (_, i) => ({ address: `terraform_data.resource_with_a_long_name_${i}`, action: "create" as const, attributes: [] }));
    const parts = renderPlanComment(reportWith([planned("wide", { summary: summaryOf("wide", { resources }), planText: bigPlanText("wide", 300_000) })]));
    expect(parts).toHaveLength(1);
    const body = parts[0]!;
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(() => fencedBlocks(body)).not.toThrow();
    expect(body).toContain("✂️ This section is cut here to fit GitHub's comment size limit; the `envbot plan: wide` check run has the rest.");
    expect(body).toContain("**Merging applies this plan.**");
  });

  test("a failed environment with an enormous log keeps the end of the log", () => {
    const log = Array.from({ length: 20_000 }, (_, i) => `line ${i} of terraform output`).join("\n");
    const [body] = renderPlanComment(
      reportWith([{ kind: "failed", environment: "payments", file: "environments/payments.yaml", effect: "apply", reason: "boom", details: "Error: boom", log }]),
    );
    expect(body!.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(body).toContain("line 19999 of terraform output");
    expect(body).not.toContain("line 0 of terraform output\n");
    expect(body).toMatch(/✂️ The first [\d,]+ lines of 20,000 are left out here/);
  });

  test("names and reasons from outside cannot inject markdown", () => {
    const [body] = renderPlanComment(
      reportWith([
        { kind: "failed", environment: "payments", file: "environments/pay`ments.yaml", effect: "destroy", reason: "<img src=x> **bold** [link](http://x)", details: "", log: "" },
      ]),
    );
    expect(body).toContain("**\\<img src=x\\> \\*\\*bold\\*\\* \\[link\\](http://x)**");
    expect(body).toContain("``environments/pay`ments.yaml``");
    expect(body).toContain("#### `payments`: destroy plan failed");
    expect(body).not.toContain("<details><summary>Details");
  });
});

describe("comment markers", () => {
  test("plan and apply comments are told apart by their first line", () => {
    const [plan] = renderPlanComment(typicalPlanReport());
    const [apply] = renderApplyComment(typicalApplyReport());
    expect(plan!.startsWith(COMMENT_MARKER)).toBe(true);
    expect(plan!.startsWith(APPLY_COMMENT_MARKER)).toBe(false);
    expect(apply!.startsWith(APPLY_COMMENT_MARKER)).toBe(true);
    expect(apply!.startsWith(COMMENT_MARKER)).toBe(false);
    expect(parseCommentPart(plan!)).toEqual({ comment: "plan", part: 1, of: 1 });
    expect(parseCommentPart(apply!)).toEqual({ comment: "apply", part: 1, of: 1 });
    expect(parseCommentPart("Looks good to me")).toBeUndefined();
  });
});

describe("the apply comment", () => {
  test("a typical merge: applied, destroyed, failed, invalid", () => {
    const parts = renderApplyComment(typicalApplyReport());
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchSnapshot();
  });

  test("sensitive outputs are named, never shown", () => {
    const [body] = renderApplyComment(typicalApplyReport());
    expect(body).toContain("- `admin_password`: (sensitive, not shown)");
    expect(body).not.toContain("hunter2");
    const record = typicalApplyReport();
    record.environments = [
      { kind: "applied", environment: "x", effect: "apply", summary: summaryOf("x", { outputs: [] }), outputs: { token: { value: "s3cr3t", sensitive: true }, name: { value: "x", sensitive: false } } },
    ];
    const [other] = renderApplyComment(record);
    expect(other).not.toContain("s3cr3t");
    expect(other).toContain("- `name`: `x`");
  });

  test("many large failures are split into parts within the limit", () => {
    const report = typicalApplyReport();
    report.environments = Array.from({ length: 40 }, (_, i) => ({
      kind: "failed" as const,
      environment: `env-${i}`,
      effect: "apply" as const,
      reason: "boom",
      details: "d".repeat(5_000),
      log: bigPlanText(`env_${i}`, 10_000),
    }));
    const parts = renderApplyComment(report);
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, body] of parts.entries()) {
      expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
      expect(parseCommentPart(body)).toEqual({ comment: "apply", part: i + 1, of: parts.length });
    }
  });
});
