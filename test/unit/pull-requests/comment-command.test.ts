import { environmentChanges, parseCommentCommand } from "../../../src/core/pull-requests/index.js";

describe("reading /envbot commands", () => {
  test.each([
    ["/envbot plan", { kind: "plan" }],
    ["/envbot plan checkout", { kind: "plan", environment: "checkout" }],
    ["  /envbot unlock checkout  \nthanks!", { kind: "unlock", environment: "checkout" }],
    ["/envbot unlock", { kind: "unlock" }],
    ["/envbot apply", { kind: "unknown", text: "/envbot apply" }],
    ["/envbot plan ../../etc", { kind: "unknown", text: "/envbot plan ../../etc" }],
    ["/envbot plan a1 b2", { kind: "unknown", text: "/envbot plan a1 b2" }],
    ["/envbot extend 48h", { kind: "extend", by: "48h" }],
    ["/envbot extend checkout 7d", { kind: "extend", environment: "checkout", by: "7d" }],
    ["/envbot extend checkout", { kind: "unknown", text: "/envbot extend checkout" }],
    ["/envbot extend 48 hours", { kind: "unknown", text: "/envbot extend 48 hours" }],
    ["/envbot wake", { kind: "wake" }],
    ["/envbot wake 2h", { kind: "wake", duration: "2h" }],
    ["/envbot wake office", { kind: "wake", environment: "office" }],
    ["/envbot wake office 90m", { kind: "wake", environment: "office", duration: "90m" }],
    ["/envbot wake office soon", { kind: "unknown", text: "/envbot wake office soon" }],
    ["/envbot wake 2h office", { kind: "unknown", text: "/envbot wake 2h office" }],
    ["/envbot destroy checkout", { kind: "destroy", environment: "checkout" }],
    ["/envbot destroy", { kind: "unknown", text: "/envbot destroy" }],
    ["/envbot help", { kind: "help" }],
  ])("%j", (body, expected) => {
    expect(parseCommentCommand(body)).toEqual(expected);
  });

  test("comments not addressed to envbot are ignored", () => {
    expect(parseCommentCommand("LGTM, /envbot plan later")).toBeUndefined();
    expect(parseCommentCommand("/envbotplan")).toBeUndefined();
  });
});

describe("the environments a pull request touches", () => {
  test("added and modified definitions are applied, removed ones destroyed, a rename is both", () => {
    expect(
      environmentChanges([
        { path: "environments/new-env.yaml", status: "added" },
        { path: "environments/changed.yaml", status: "modified" },
        { path: "environments/gone.yaml", status: "removed" },
        { path: "environments/after.yaml", status: "renamed", previousPath: "environments/before.yaml" },
        { path: "templates/sandbox/main.tf", status: "modified" },
        { path: "environments/nested/x1.yaml", status: "added" },
        { path: "README.md", status: "modified" },
      ]),
    ).toEqual([
      { environment: "after", file: "environments/after.yaml", effect: "apply" },
      { environment: "before", file: "environments/before.yaml", effect: "destroy" },
      { environment: "changed", file: "environments/changed.yaml", effect: "apply" },
      { environment: "gone", file: "environments/gone.yaml", effect: "destroy" },
      { environment: "new-env", file: "environments/new-env.yaml", effect: "apply" },
    ]);
  });
});

test("revert, revert confirm and adopt (a drift issue's commands) take nothing else", () => {
  expect(parseCommentCommand("/envbot revert")).toEqual({ kind: "revert", confirm: false });
  expect(parseCommentCommand("/envbot revert confirm\nthanks")).toEqual({ kind: "revert", confirm: true });
  expect(parseCommentCommand("/envbot adopt")).toEqual({ kind: "adopt" });
  expect(parseCommentCommand("/envbot revert now")).toEqual({ kind: "unknown", text: "/envbot revert now" });
  expect(parseCommentCommand("/envbot adopt site")).toEqual({ kind: "unknown", text: "/envbot adopt site" });
});
