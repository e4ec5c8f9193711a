import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { ApiProblem } from "../../../src/access/api/api-problem.js";
import { openApiDocument } from "../../../src/access/api/openapi-document.js";
import { compileRequestValidators } from "../../../src/access/api/request-validation.js";

// The words a caller reads when a request breaks the document's schemas, and the values a
// handler gets when it does not.
const validators = compileRequestValidators(openApiDocument);

function request(route: string, options: { params?: Record<string, string>; query?: string; body?: unknown } = {}) {
  const text = options.body === undefined ? "" : JSON.stringify(options.body);
  const raw = Object.assign(Readable.from(text === "" ? [] : [Buffer.from(text)]), {
    headers: text === "" ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) },
  }) as unknown as IncomingMessage;
  const validate = validators.get(route);
  if (!validate) throw new Error(`no operation ${route}`);
  return validate({ params: options.params ?? {}, query: new URLSearchParams(options.query ?? ""), raw });
}

async function refusal(route: string, options: Parameters<typeof request>[1]) {
  const error = await request(route, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiProblem)) throw new Error(`${route} was not refused: ${String(error)}`);
  return [error.status, ...(error.errors ?? [])];
}

const environment = { owner: "octo-org", repo: "environments", name: "sandbox" };

test("numbers, true or false, and choices are said as such; a choice names what was given", async () => {
  expect(await refusal("GET /api/v1/runs", { query: "limit=101" })).toEqual([400, { field: "query.limit", message: "a whole number from 1 to 100" }]);
  expect(await refusal("GET /api/v1/runs", { query: "limit=ten" })).toEqual([400, { field: "query.limit", message: "a whole number from 1 to 100" }]);
  expect(await refusal("GET /api/v1/environments", { query: "drifted=maybe" })).toEqual([400, { field: "query.drifted", message: "true or false" }]);
  expect(await refusal("GET /api/v1/cost", { query: "by=team" })).toEqual([400, { field: "query.by", message: "one of owner, cost-center, template, environment, not 'team'" }]);
  expect(await refusal("GET /api/v1/runs/{id}/log", { params: { id: "1" }, query: "after=-1" })).toEqual([400, { field: "query.after", message: "a whole number from 0 to 999999999" }]);
  expect(await refusal("GET /api/v1/runs/{id}", { params: { id: "0" } })).toEqual([400, { field: "path.id", message: "a whole number, at least 1" }]);
});

test("a list parameter is named as a whole; an entry that is no choice says which", async () => {
  expect(await refusal("GET /api/v1/environments", { query: "status=active,sleeping" })).toEqual([
    400,
    { field: "query.status", message: "one of planned, applying, active, expiring, destroying, destroyed, failed, not 'sleeping'" },
  ]);
  expect(await refusal("GET /api/v1/environments", { query: "label=team&label==x" })).toEqual([400, { field: "query.label", message: "KEY or KEY=VALUE, like cost-center=4711" }]);
});

test("a pattern is explained by the schema's description, never shown as a regular expression", async () => {
  expect(await refusal("GET /api/v1/runs", { query: "repository=../../etc" })).toEqual([400, { field: "query.repository", message: "a GitHub repository (OWNER/NAME)" }]);
  expect(await refusal("GET /api/v1/cost", { query: "month=2026-13" })).toEqual([400, { field: "query.month", message: "a month like 2026-11 (YYYY-MM, UTC)" }]);
  expect(await refusal("GET /api/v1/environments/{owner}/{repo}/{name}", { params: { ...environment, name: "Bad_Name" } })).toEqual([
    400,
    { field: "path.name", message: "an environment name: 2 to 40 lowercase letters, digits and '-', starting with a letter" },
  ]);
  expect(await refusal("GET /api/v1/environments", { query: "expiringBefore=tomorrow" })).toEqual([400, { field: "query.expiringBefore", message: "a date and time, like 2026-12-24T00:00:00Z" }]);
  expect(await refusal("GET /api/v1/environments", { query: `q=${"a".repeat(101)}` })).toEqual([400, { field: "query.q", message: "text of at most 100 characters" }]);
});

test("an unknown or repeated parameter, and a missing required one, are refused by name", async () => {
  expect(await refusal("GET /api/v1/cost", { query: "environment=sandbox" })).toEqual([400, { field: "query.environment", message: "unknown parameter; this route takes month, by, repository" }]);
  expect(await refusal("GET /api/v1/session", { query: "x=1" })).toEqual([400, { field: "query.x", message: "unknown parameter; this route takes none" }]);
  expect(await refusal("GET /api/v1/environments", { query: "status=active&status=failed" })).toEqual([400, { field: "query.status", message: "give it once" }]);
  expect(await refusal("GET /api/v1/resources", {})).toEqual([
    400,
    { field: "query.q", message: "required: what to look for, 1 to 512 characters: an ARN, a cloud id, a type, an address, an attribute's value, or KEY=VALUE" },
  ]);
});

test("a body's field is named as written, list entries by index; unknown fields list the known ones", async () => {
  const destroy = "POST /api/v1/environments/{owner}/{repo}/{name}/destroy";
  expect(await refusal(destroy, { params: environment, body: { immediate: "yes" } })).toEqual([400, { field: "body.immediate", message: "true or false" }]);
  const extend = "POST /api/v1/environments/{owner}/{repo}/{name}/extend";
  expect(await refusal(extend, { params: environment, body: { ttl: "96h", colour: "red" } })).toEqual([400, { field: "body.colour", message: "unknown field; this takes ttl, expiresAt, by" }]);
  expect(await refusal(extend, { params: environment })).toEqual([400, { field: "body", message: "this needs a JSON body (application/json)" }]);
  expect(await refusal("POST /api/v1/environments/{owner}/{repo}/{name}/plan", { params: environment, body: { force: true } })).toEqual([
    400,
    { field: "body.force", message: "this takes no body" },
  ]);
  expect(await refusal("POST /api/v1/tokens", { body: { name: "ci", repositories: ["octo-org/environments", "not a repository"] } })).toEqual([
    400,
    { field: "body.repositories[1]", message: "a GitHub repository (OWNER/NAME)" },
  ]);
  expect(await refusal("POST /api/v1/tokens", { body: { repositories: ["octo-org/environments"] } })).toEqual([400, { field: "body.name", message: "required: what the token is for, 1 to 100 characters" }]);
  expect(await refusal("POST /api/v1/tokens", { body: { name: "   ", repositories: ["octo-org/environments"] } })).toEqual([400, { field: "body.name", message: "what the token is for, 1 to 100 characters" }]);
});

test("a valid request comes with its values typed and the schemas' defaults filled in", async () => {
  expect(await request("GET /api/v1/environments", { query: "status=active,failed&label=a&label=b=c&drifted=true&limit=7" })).toEqual({
    params: {},
    query: { status: ["active", "failed"], label: ["a", "b=c"], drifted: true, limit: 7 },
    body: {},
  });
  expect((await request("GET /api/v1/runs", {})).query).toEqual({ limit: 50 });
  expect((await request("GET /api/v1/cost", {})).query).toEqual({ by: "owner" });
  expect(await request("GET /api/v1/runs/{id}/log", { params: { id: "7" } })).toEqual({ params: { id: 7 }, query: { after: 0 }, body: {} });
  expect((await request("POST /api/v1/environments/{owner}/{repo}/{name}/destroy", { params: environment })).body).toEqual({ immediate: false });
});
