import { compileSchemas } from "../../../src/core/validation/schema-compiler.js";

test("a set of schemas is compiled once per process; the validators check as compiled", async () => {
  const schemas = { variables: { type: "object", properties: { replicas: { type: "integer", maximum: 3 } } } };
  const first = await compileSchemas(schemas);
  const again = await compileSchemas(JSON.parse(JSON.stringify(schemas)) as typeof schemas);
  expect(again.variables).toBe(first.variables);
  expect(first.variables!({ replicas: 2 })).toBe(true);
  expect(first.variables!({ replicas: 9 })).toBe(false);
});

test("a schema that does not compile is refused every time, not remembered as compiled", async () => {
  const broken = { variables: { type: "object", notAKeyword: true } };
  await expect(compileSchemas(broken)).rejects.toThrow(/notAKeyword/);
  await expect(compileSchemas(broken)).rejects.toThrow(/notAKeyword/);
});
