import { openApiDocument } from "../../src/access/api/openapi-document.js";
import type { Operation, Parameter, Schema } from "../../src/access/api/request-validation.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// Every request that breaks a schema of the OpenAPI document is refused by that schema: a 400
// naming the field, in words for a person. The cases are derived from the document itself, so
// an operation added to it is covered without a line here.

const operations = Object.entries(openApiDocument.paths as unknown as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
);
/** Operations behind a sign-in (health and the document answer anyone, and are no routes of the API's). */
const signedIn = operations.filter(({ operation }) => operation.security === undefined);

/** A value its schema takes: its example, its default, else the simplest of its type. */
function validValue(schema: Schema): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case "integer":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => validValue(schema.items ?? {}));
    case "object":
      return {};
    default:
      if (schema.format === "date-time") return "2026-12-24T00:00:00Z";
      if (schema.pattern !== undefined || schema.format !== undefined) throw new Error(`give the schema an example: ${JSON.stringify(schema)}`);
      return "x".repeat(schema.minLength ?? 1);
  }
}

const failsPattern = (pattern: string) => ["", "!", " ", "Not A Name!"].find((text) => !new RegExp(pattern, "u").test(text));

/** Texts that break a query parameter's schema, each with what it breaks. */
function brokenTexts(schema: Schema): [string, string][] {
  const broken: [string, string][] = [];
  if (schema.type === "integer") {
    broken.push(["type", "ten"]);
    if (schema.minimum !== undefined) broken.push(["minimum", String(schema.minimum - 1)]);
    if (schema.maximum !== undefined) broken.push(["maximum", String(schema.maximum + 1)]);
  }
  if (schema.type === "boolean") broken.push(["type", "maybe"]);
  if (schema.enum) broken.push(["enum", "no-such-value"]);
  if (schema.type === "array") broken.push(...brokenTexts(schema.items ?? {}).map(([what, text]): [string, string] => [`items ${what}`, text]));
  if (schema.pattern !== undefined) broken.push(["pattern", failsPattern(schema.pattern)!]);
  if (schema.format === "date-time") broken.push(["format", "tomorrow"]);
  if (schema.minLength !== undefined && schema.minLength > 0) broken.push(["minLength", ""]);
  if (schema.maxLength !== undefined) broken.push(["maxLength", "a".repeat(schema.maxLength + 1)]);
  return broken;
}

/** JSON values that break a body property's schema, each with what it breaks and the field named. */
function brokenJson(schema: Schema, field: string): [string, unknown, string][] {
  const wrongType: Record<string, unknown> = { string: 12345, integer: "ten", boolean: "yes", array: "text", object: "text" };
  const broken: [string, unknown, string][] = [];
  if (schema.type !== undefined) broken.push(["type", wrongType[schema.type], field]);
  if (schema.type === "string") {
    for (const [what, text] of brokenTexts({ ...schema, type: undefined })) broken.push([what, text, field]);
  }
  if (schema.type === "array") {
    if (schema.minItems !== undefined && schema.minItems > 0) broken.push(["minItems", [], field]);
    for (const [what, value, itemField] of brokenJson(schema.items ?? {}, `${field}[0]`)) broken.push([`items ${what}`, [value], itemField]);
  }
  return broken;
}

const concrete = (path: string) => path.replace("{owner}", "octo-org").replace("{repo}", "environments").replace("{name}", "sandbox").replace("{id}", "1");

const mock = setupGitHubMock();
let api: ControlPlaneServer;
let alice: { session: { cookie: string; csrf: string } };

beforeEach(async () => {
  mock.before();
  api = await startControlPlaneServer();
  alice = { session: api.sessionFor("alice") };
});
afterEach(async () => {
  await api.close();
  mock.after();
  expect(api.violations).toEqual([]);
});

/** Asserts a 400 problem naming `field`, with a message for a person (not ajv's words or a regex). */
async function expectRefused(what: string, method: string, path: string, body: unknown, field: string): Promise<void> {
  const answer = await api.call(method, path, { as: alice, body });
  const error = answer.body.errors?.[0];
  expect([what, answer.status, answer.headers.get("content-type"), error?.field]).toEqual([what, 400, "application/problem+json", field]);
  expect([what, error.message]).toEqual([what, expect.stringMatching(/^[^^$]+$/)]);
  expect([what, error.message]).not.toEqual([what, expect.stringMatching(/must match|must be|pattern/)]);
  expect(answer.body.detail).toBe(`${field}: ${error.message}`);
}

test("every operation refuses a query parameter its document does not list, naming the ones it takes", async () => {
  for (const { method, path, operation } of signedIn) {
    const required = (operation.parameters ?? []).filter((p) => p.in === "query" && p.required);
    const query = new URLSearchParams(required.map((p): [string, string] => [p.name, String(validValue(p.schema))]));
    query.set("colour", "blue");
    const known = (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
    const answer = await api.call(method, `${concrete(path)}?${query}`, { as: alice, body: operation.requestBody ? {} : undefined });
    expect([`${method} ${path}`, answer.status, answer.body.errors]).toEqual([
      `${method} ${path}`,
      400,
      [{ field: "query.colour", message: `unknown parameter; this route takes ${known.length > 0 ? known.join(", ") : "none"}` }],
    ]);
  }
});

test("every query parameter of every operation is refused when it breaks its schema, or is missing when required", async () => {
  let cases = 0;
  for (const { method, path, operation } of signedIn) {
    const parameters = (operation.parameters ?? []).filter((p) => p.in === "query");
    const base = Object.fromEntries(parameters.filter((p) => p.required).map((p) => [p.name, String(validValue(p.schema))]));
    for (const parameter of parameters) {
      const broken = brokenTexts(parameter.schema).map(([what, text]) => [what, new URLSearchParams({ ...base, [parameter.name]: text })] as const);
      if (parameter.required) {
        const without = new URLSearchParams(base);
        without.delete(parameter.name);
        broken.push(["required", without]);
      }
      if (parameter.schema.type !== "array" || (parameter as { explode?: boolean }).explode === false) {
        const twice = new URLSearchParams(base);
        twice.set(parameter.name, String(validValue(parameter.schema)));
        twice.append(parameter.name, String(validValue(parameter.schema)));
        broken.push(["given twice", twice]);
      }
      for (const [what, query] of broken) {
        cases++;
        await expectRefused(`${method} ${path} ${parameter.name} ${what}`, method, `${concrete(path)}?${query}`, operation.requestBody ? validValue(operation.requestBody.content["application/json"].schema) : undefined, `query.${parameter.name}`);
      }
    }
  }
  expect(cases).toBeGreaterThan(30);
});

test("every request body is refused when it breaks its schema: an unknown field, a missing one, a wrong type or value", async () => {
  const withBody = signedIn.filter(({ operation }) => operation.requestBody);
  expect(withBody.length).toBeGreaterThan(0);
  for (const { method, path, operation } of withBody) {
    const schema = operation.requestBody!.content["application/json"].schema;
    const route = `${method} ${path}`;
    const valid = Object.fromEntries((schema.required ?? []).map((name) => [name, validValue(schema.properties![name]!)]));
    if (schema.additionalProperties === false) await expectRefused(`${route} unknown field`, method, concrete(path), { ...valid, colour: "red" }, "body.colour");
    for (const name of schema.required ?? []) {
      const { [name]: _, ...without } = valid;
      await expectRefused(`${route} without ${name}`, method, concrete(path), without, `body.${name}`);
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      for (const [what, value, field] of brokenJson(property, `body.${name}`)) {
        await expectRefused(`${route} ${name} ${what}`, method, concrete(path), { ...valid, [name]: value }, field);
      }
    }
    if (operation.requestBody!.required) await expectRefused(`${route} no body`, method, concrete(path), undefined, "body");
  }
});

test("an operation without a request body refuses one", async () => {
  const changes = signedIn.filter(({ method, operation }) => method !== "GET" && !operation.requestBody);
  expect(changes.length).toBeGreaterThan(0);
  for (const { method, path } of changes) {
    const answer = await api.call(method, concrete(path), { as: alice, body: { force: true } });
    expect([`${method} ${path}`, answer.status, answer.body.errors]).toEqual([`${method} ${path}`, 400, [{ field: "body.force", message: "this takes no body" }]]);
  }
});

test("every path parameter is refused when it breaks its schema", async () => {
  for (const { method, path, operation } of signedIn) {
    for (const parameter of (operation.parameters ?? []).filter((p) => p.in === "path")) {
      for (const [what, text] of brokenTexts(parameter.schema).filter(([, text]) => text !== "")) {
        const broken = concrete(path.replace(`{${parameter.name}}`, encodeURIComponent(text)));
        const body = operation.requestBody ? validValue(operation.requestBody.content["application/json"].schema) : undefined;
        await expectRefused(`${method} ${path} ${parameter.name} ${what}`, method, broken, body, `path.${parameter.name}`);
      }
    }
  }
});
