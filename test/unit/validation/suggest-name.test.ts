import { suggestName } from "../../../src/core/validation/suggest-name.js";

test("a slip of one letter, or of two letters swapped, finds the name meant", () => {
  expect(suggestName("plna", ["plan", "apply", "status"])).toBe("plan");
  expect(suggestName("sandbx", ["sandbox", "checkout"])).toBe("sandbox");
  expect(suggestName("vaildate", ["validate", "plan"])).toBe("validate");
});

test("a word like none of them finds none", () => {
  expect(suggestName("nosuch", ["plan", "apply", "status"])).toBeUndefined();
  expect(suggestName("xy", ["plan"])).toBeUndefined();
});
