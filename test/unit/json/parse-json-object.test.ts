import { MAX_JSON_DEPTH, parseJsonObject } from "../../../src/core/json/parse-json-object.js";

test("one JSON object is read, its keys and values located by line and column", () => {
  const text = '{\n  "command": "plan",\n  "nested": {"list": [1, {"deep": "x:\\"y\\""}]}\n}';
  const parsed = parseJsonObject(text);
  if (!parsed.ok) throw new Error(parsed.message);
  expect(parsed.value).toEqual({ command: "plan", nested: { list: [1, { deep: 'x:"y"' }] } });
  expect(parsed.locator.locate(["command"])).toEqual({ line: 2, column: 14 });
  expect(parsed.locator.locate(["command"], "key")).toEqual({ line: 2, column: 3 });
  expect(parsed.locator.locate(["nested", "list", 1, "deep"])).toEqual({ line: 3, column: 35 });
  // A path the text does not have: its nearest ancestor.
  expect(parsed.locator.locate(["nested", "missing"])).toEqual({ line: 3, column: 13 });
});

test.each([
  ["YAML", "command: plan\nrepository: acme/envs", /^not JSON: Unexpected token/],
  ["two objects", '{"a": 1} {"b": 2}', /^not JSON: /],
  ["an array", '[{"a": 1}]', /^not a JSON object but an array$/],
  ["null", "null", /^not a JSON object but null$/],
  ["a string", '"plan"', /^not a JSON object but a string$/],
])("%s is refused with a JSON parse message", (_name, text, message) => {
  expect(parseJsonObject(text)).toMatchObject({ ok: false, message: expect.stringMatching(message), position: { line: 1, column: 1 } });
});

test("a key twice in one object is refused at its second place, however deep and however escaped; the same key in two objects is not", () => {
  expect(parseJsonObject('{"a": 1, "b": {"a": 2}}')).toMatchObject({ ok: true });
  expect(parseJsonObject('{"a": 1, "b": {"c": 2,\n "\\u0063": 3}}')).toEqual({ ok: false, message: 'the key "c" appears twice in one object', position: { line: 2, column: 2 } });
  expect(parseJsonObject('{"list": [{"k": 1}, {"k": 2, "k": 3}]}')).toMatchObject({ ok: false, message: 'the key "k" appears twice in one object' });
});

test("nesting deeper than MAX_JSON_DEPTH is refused where it goes too deep, in time and memory linear in the text", () => {
  const nested = (depth: number) => `{"a": ${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
  expect(parseJsonObject(nested(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
  expect(parseJsonObject(nested(MAX_JSON_DEPTH + 1))).toEqual({ ok: false, message: `nested deeper than ${MAX_JSON_DEPTH} objects and arrays`, position: { line: 1, column: 6 + MAX_JSON_DEPTH } });
  // Within the size of a command (64 KiB), as deep as it gets.
  expect(parseJsonObject(nested(32_000))).toMatchObject({ ok: false });
});
