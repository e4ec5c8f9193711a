import type { Diagnostic } from "../../../src/core/diagnostics/index.js";
import type { EnvironmentApplyReport } from "../../../src/core/ports/pull-request-report.js";
import {
  annotationBatches,
  environmentCheckName,
  renderApplyCheck,
  renderEnvironmentCheck,
  renderEnvironmentCheckInProgress,
  renderValidationCheck,
  VALIDATION_CHECK_NAME,
} from "../../../src/render/check-runs.js";
import { ANNOTATION_LEVELS, ANNOTATION_TITLE_LIMIT, CHECK_RUN_SUMMARY_LIMIT, CHECK_RUN_TEXT_LIMIT } from "../../../src/render/github-limits.js";
import { fencedBlocks, planned, typicalApplyReport, typicalPlanReport } from "./report-fixtures.js";

describe("the validation check", () => {
  test("problems: a failure titled by count, every problem annotated at its line and column", () => {
    const check = renderValidationCheck(typicalPlanReport().validation);
    expect(check.conclusion).toBe("failure");
    expect(check.title).toBe("2 problems in 1 file");
    expect(check.annotations).toEqual([
      {
        path: "environments/broken.yaml",
        start_line: 8,
        end_line: 8,
        start_column: 8,
        end_column: 8,
        annotation_level: "failure",
        title: "spec.ttl",
        message: "'two days' is not a duration like 72h (a whole number followed by m, h or d)",
      },
      {
        path: "environments/broken.yaml",
        start_line: 11,
        end_line: 11,
        start_column: 5,
        end_column: 5,
        annotation_level: "failure",
        title: "spec.variables.greting",
        message: "unknown variable of template 'sandbox'; did you mean 'greeting'?",
      },
    ]);
    expect(check).toMatchSnapshot();
  });

  test("all valid: a success that counts the definitions", () => {
    const check = renderValidationCheck({ files: ["environments/a.yaml", "environments/b.yaml", "environments/c.yaml"], diagnostics: [] });
    expect(check).toMatchObject({ conclusion: "success", title: "3 definitions valid", annotations: [] });
    expect(renderValidationCheck({ files: ["environments/a.yaml"], diagnostics: [] }).title).toBe("1 definition valid");
    expect(check.summary).toMatchSnapshot();
  });

  test("a problem without a position marks line 1 of its file, without columns; columns only ever on one line", () => {
    const diagnostics: Diagnostic[] = [
      { file: "environments/empty.yaml", line: 0, column: 0, path: "", message: "the file is empty" },
      { file: "environments/a.yaml", line: 3, column: 0, path: "spec", message: "no column" },
      { file: "environments/a.yaml", line: 7, column: 12, path: "x".repeat(400), message: "long path" },
    ];
    const { annotations } = renderValidationCheck({ files: ["environments/empty.yaml", "environments/a.yaml"], diagnostics });
    expect(annotations[0]).toEqual({ path: "environments/a.yaml", start_line: 3, end_line: 3, annotation_level: "failure", title: "spec", message: "no column" });
    expect(annotations[2]).toEqual({
      path: "environments/empty.yaml",
      start_line: 1,
      end_line: 1,
      annotation_level: "failure",
      title: "environment definition",
      message: "the file is empty",
    });
    expect(annotations[1]!.title).toHaveLength(ANNOTATION_TITLE_LIMIT);
    for (const annotation of annotations) {
      expect(ANNOTATION_LEVELS).toContain(annotation.annotation_level);
      if ("end_column" in annotation) expect(annotation.start_line).toBe(annotation.end_line);
    }
  });

  test("thousands of problems: the summary stays within GitHub's limit", () => {
    const diagnostics = Array.from({ length: 3_000 }, (_, i) => ({ file: `environments/e${i % 30}.yaml`, line: i + 1, column: 1, path: "spec.ttl", message: "m".repeat(60) }));
    const check = renderValidationCheck({ files: [], diagnostics });
    expect(check.summary.length).toBeLessThanOrEqual(CHECK_RUN_SUMMARY_LIMIT);
    expect(check.summary).toMatch(/✂️ The last [\d,]+ lines of 3,000 are left out here/);
    expect(check.annotations).toHaveLength(3_000);
  });
});

describe("annotationBatches", () => {
  test("120 annotations go in requests of 50, 50 and 20", () => {
    const batches = annotationBatches(Array.from({ length: 120 }, (_, i) => i));
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  test("none: no request", () => {
    expect(annotationBatches([])).toEqual([]);
  });
});

describe("environment check runs", () => {
  test("names", () => {
    expect(environmentCheckName("checkout", "plan")).toBe("envbot plan: checkout");
    expect(environmentCheckName("checkout", "apply")).toBe("envbot apply: checkout");
    expect(VALIDATION_CHECK_NAME).toBe("envbot validate");
  });

  test("every kind of plan result", () => {
    const checks = Object.fromEntries(typicalPlanReport().environments.map((e) => [e.environment, renderEnvironmentCheck(e)]));
    expect(Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, [c.conclusion, c.title]]))).toEqual({
      checkout: ["success", "1 to add, 1 to change, 0 to destroy"],
      legacy: ["success", "Destroy: 0 to add, 0 to change, 2 to destroy"],
      search: ["neutral", "Locked by #9"],
      broken: ["failure", "2 problems in the definition"],
      payments: ["failure", "Terraform could not read the template: Unsupported argument in main.tf"],
      staging: ["cancelled", "Replaced by a newer push"],
    });
    expect(checks).toMatchSnapshot();
  });

  test("in progress", () => {
    expect(renderEnvironmentCheckInProgress("checkout")).toEqual({
      title: "Planning checkout",
      summary: "Planning `checkout` with Terraform. This check run shows the result when it is done.",
    });
    expect(renderEnvironmentCheckInProgress("checkout", "apply").title).toBe("Applying checkout");
  });

  test("a 200,000-character plan is shortened to the text limit, saying so", () => {
    const planText = Array.from({ length: 4_000 }, (_, i) => `  + resource "terraform_data" "r${i}" { input = "${"y".repeat(30)}" }`).join("\n");
    expect(planText.length).toBeGreaterThan(200_000);
    const check = renderEnvironmentCheck(planned("huge", { planText }));
    expect(check.text!.length).toBeLessThanOrEqual(CHECK_RUN_TEXT_LIMIT);
    expect(check.text).toMatch(/✂️ The last [\d,]+ lines of 4,000 are left out here to fit GitHub's check run size limit \(65,535 characters\)\./);
    expect(() => fencedBlocks(check.text!)).not.toThrow();
  });

  test("a long failure reason makes a one-line title", () => {
    const check = renderEnvironmentCheck({ kind: "failed", environment: "x", file: "environments/x.yaml", effect: "apply", reason: `first line ${"z".repeat(300)}\nsecond`, details: "", log: "" });
    expect(check.title.length).toBeLessThanOrEqual(120);
    expect(check.title).not.toContain("second");
    expect(check.text).toBeUndefined();
  });

  test("every kind of apply result", () => {
    const checks = Object.fromEntries(typicalApplyReport().environments.map((e: EnvironmentApplyReport) => [e.environment, renderApplyCheck(e)]));
    expect(Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, [c.conclusion, c.title]]))).toEqual({
      checkout: ["success", "Applied: 1 added, 1 changed, 0 destroyed"],
      legacy: ["success", "Destroyed"],
      payments: ["failure", "The provider could not reach its API"],
      broken: ["failure", "1 problem in the definition"],
    });
    expect(checks.checkout!.summary).not.toContain("hunter2");
    expect(checks).toMatchSnapshot();
  });
});
