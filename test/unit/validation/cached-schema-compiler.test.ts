import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { cachedSchemaCompiler } from "../../../src/adapters/schema-cache/cached-schema-compiler.js";
import { compileSchemas } from "../../../src/core/validation/index.js";

// The CLI keeps templates' compiled schemas in a cache: a validator that comes from the cache
// must judge exactly as one compiled afresh, and a cache that cannot be used changes nothing.

const variables = {
  type: "object",
  properties: {
    greeting: { type: "string", maxLength: 5, default: "hello" },
    replicas: { type: "integer", minimum: 1, maximum: 3, default: 1 },
    until: { type: "string", format: "date-time" },
  },
  required: ["greeting"],
  additionalProperties: false,
};
const schemas = { variables, "default:greeting": variables.properties.greeting, "default:replicas": variables.properties.replicas };
const inputs: unknown[] = [
  { greeting: "hi" },
  { greeting: "too long a greeting", replicas: 9 },
  { replicas: 0, extra: true },
  { greeting: "hi", until: "not a date" },
  { greeting: "hi", until: "2026-12-01T00:00:00Z" },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-schema-cache-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function verdicts(validators: Record<string, (data: unknown) => boolean> & Record<string, { errors?: unknown }>) {
  return inputs.map((input) => {
    const validate = validators.variables as unknown as ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; params: unknown; message?: string }[] | null };
    const valid = validate(input);
    return { valid, errors: (validate.errors ?? []).map((e) => [e.instancePath, e.keyword, e.params, e.message]) };
  });
}

test("a validator from the cache judges as one compiled afresh, errors and formats included", async () => {
  const fresh = await compileSchemas(schemas);
  const compile = cachedSchemaCompiler(dir);
  const first = await compile(schemas);
  expect(await readdir(dir)).toHaveLength(1);
  const cached = await compile(schemas);
  // Not the same functions: the second came from the file.
  expect(cached.variables).not.toBe(first.variables);
  expect(verdicts(cached as never)).toEqual(verdicts(fresh as never));
  expect(verdicts(first as never)).toEqual(verdicts(fresh as never));
  expect(cached["default:greeting"]!("hello")).toBe(true);
  expect(cached["default:replicas"]!(7)).toBe(false);
});

test("a schema that does not compile is refused with ajv's error, and nothing is cached", async () => {
  const compile = cachedSchemaCompiler(dir);
  await expect(compile({ variables: { type: "object", properties: { a: { type: "string", maxLenght: 3 } } } })).rejects.toThrow(/unknown keyword: "maxLenght"/);
  expect(await readdir(dir)).toEqual([]);
});

test("a cache directory that cannot be written, or a damaged cache file, changes nothing", async () => {
  // A file where the directory should be: nothing can be written below it, not even by root.
  await writeFile(path.join(dir, "blocked"), "");
  const unwritable = cachedSchemaCompiler(path.join(dir, "blocked", "schemas"));
  expect(verdicts((await unwritable(schemas)) as never)).toEqual(verdicts((await compileSchemas(schemas)) as never));

  const compile = cachedSchemaCompiler(dir);
  await compile(schemas);
  const [file] = await readdir(dir);
  await writeFile(path.join(dir, file!), "this is not JavaScript");
  expect(verdicts((await compile(schemas)) as never)).toEqual(verdicts((await compileSchemas(schemas)) as never));
});
