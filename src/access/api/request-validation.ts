import type { IncomingMessage } from "node:http";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { createAjv } from "../../core/validation/create-ajv.js";
import { parseJsonPointer } from "../../core/yaml/index.js";
import { badRequest } from "./api-problem.js";
import { readJsonBody, sentBody, type QueryValue } from "./api-request.js";

/** The part of a JSON Schema of the document that the messages, the coercion and the tests read. */
export interface Schema {
  type?: string;
  description?: string;
  pattern?: string;
  format?: string;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  additionalProperties?: unknown;
  examples?: readonly unknown[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  explode?: boolean;
  schema: Schema;
}

export interface Operation {
  security?: unknown[];
  parameters?: readonly Parameter[];
  requestBody?: { required?: boolean; content: { "application/json": { schema: Schema } } };
}

/** What an OpenAPI document must have for its requests to be validated. */
export interface RequestShapes {
  paths: Record<string, Record<string, unknown>>;
}

/** A request's parts, as they came. */
export interface RawRequestParts {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  raw: IncomingMessage;
}

/** A request's parts once valid against its operation, coerced and with the schemas' defaults. */
export interface ValidRequestParts {
  params: Record<string, string | number>;
  query: Record<string, QueryValue | undefined>;
  body: Record<string, unknown>;
}

export type RequestValidator = (request: RawRequestParts) => Promise<ValidRequestParts>;

const compiledFor = new WeakMap<RequestShapes, Map<string, RequestValidator>>();

/**
 * One validator per operation of the document ("GET /api/v1/runs/{id}"), compiled once: the
 * operation's path and query parameters and its JSON body are checked against the document's
 * own schemas, so what the API publishes is what it takes. A failure is a 400 naming the one
 * field at fault (`query.limit`, `path.name`, `body.repositories[0]`) in words for a person.
 */
export function compileRequestValidators(document: RequestShapes): ReadonlyMap<string, RequestValidator> {
  // Compiling takes over 100 ms; every API handler of the process (a test starts many) shares the result.
  const compiled = compiledFor.get(document);
  if (compiled) return compiled;
  // One error is enough for an answer, and it stops at the first: no work for a hostile request.
  const ajv = createAjv({ allErrors: false, useDefaults: true });
  const validators = new Map<string, RequestValidator>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, Operation>)) {
      validators.set(`${method.toUpperCase()} ${path}`, operationValidator(ajv, operation));
    }
  }
  compiledFor.set(document, validators);
  return validators;
}

function operationValidator(ajv: ReturnType<typeof createAjv>, operation: Operation): RequestValidator {
  const parameters = operation.parameters ?? [];
  const inPath = parameters.filter((p) => p.in === "path");
  const inQuery = parameters.filter((p) => p.in === "query");
  const checkPath = ajv.compile(objectOf(inPath));
  const checkQuery = ajv.compile(objectOf(inQuery));
  const bodySchema = operation.requestBody?.content["application/json"].schema;
  const checkBody = bodySchema && ajv.compile(bodySchema);
  const queryNames = inQuery.map((p) => p.name);
  return async (request) => {
    const query = queryValues(request.query, inQuery, queryNames);
    valid(checkQuery, query, "query");
    const params: Record<string, string | number> = {};
    // The document types a path parameter as text or a whole number, never true or false.
    for (const p of inPath) params[p.name] = coerce(request.params[p.name]!, p.schema) as string | number;
    valid(checkPath, params, "path");
    return { params, query, body: await bodyOf(request.raw, operation, checkBody) };
  };
}

/** The parameters as one object schema, so that `default`s fill in and `required` is said once. */
function objectOf(parameters: readonly Parameter[]): object {
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
}

/** The query as values of their schemas' types: unknown and repeated names refused first. */
function queryValues(query: URLSearchParams, parameters: readonly Parameter[], known: readonly string[]): Record<string, QueryValue> {
  for (const name of new Set(query.keys())) {
    // A misspelt filter must not silently match everything.
    if (!known.includes(name)) throw badRequest(`query.${name}`, `unknown parameter; this route takes ${known.length > 0 ? known.join(", ") : "none"}`);
  }
  const values: Record<string, QueryValue> = {};
  for (const p of parameters) {
    const given = query.getAll(p.name);
    if (given.length === 0) continue;
    // OpenAPI's form style: a list is the parameter repeated (explode, the default) or one comma-separated value.
    const repeated = p.schema.type === "array" && p.explode !== false;
    if (!repeated && given.length > 1) throw badRequest(`query.${p.name}`, "give it once");
    if (p.schema.type !== "array") values[p.name] = coerce(given[0]!, p.schema);
    else values[p.name] = (repeated ? given : given[0]!.split(",")).map((text) => coerce(text, p.schema.items ?? {})) as string[];
  }
  return values;
}

/** A text as its schema's type where it is one; anything else stays text for the schema to refuse. */
function coerce(text: string, schema: Schema): string | number | boolean {
  if (schema.type === "integer" && /^-?[0-9]+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (schema.type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

async function bodyOf(raw: IncomingMessage, operation: Operation, check: ValidateFunction | undefined): Promise<Record<string, unknown>> {
  if (!sentBody(raw)) {
    if (operation.requestBody?.required) throw badRequest("body", "this needs a JSON body (application/json)");
    const body = {};
    check?.(body); // the schema's defaults
    return body;
  }
  const body = await readJsonBody(raw);
  if (!check) {
    const field = Object.keys(body)[0];
    if (field !== undefined) throw badRequest(`body.${field}`, "this takes no body");
    return body;
  }
  valid(check, body, "body");
  return body;
}

function valid(check: ValidateFunction, value: unknown, part: "path" | "query" | "body"): void {
  if (check(value)) return;
  const { field, message } = fieldError(check.errors![0]!, value, part);
  throw badRequest(field, message);
}

/** The field an error of ajv is about, as the caller wrote it, and what it should be. */
export function fieldError(error: ErrorObject, value: unknown, part: "path" | "query" | "body"): { field: string; message: string } {
  const at = parseJsonPointer(error.instancePath);
  const parent = (error.parentSchema ?? {}) as Schema;
  let message = expected(parent);
  if (error.keyword === "required") {
    const missing = String(error.params.missingProperty);
    at.push(missing);
    message = `required: ${expected(parent.properties?.[missing] ?? {})}`;
  } else if (error.keyword === "additionalProperties") {
    at.push(String(error.params.additionalProperty));
    message = `unknown field; this takes ${Object.keys(parent.properties ?? {}).join(", ")}`;
  } else if (error.keyword === "enum" && isShort(error.data)) {
    message = `${message}, not '${String(error.data)}'`;
  }
  // A parameter is named as a whole (query.status, not the status list's second entry).
  if (part !== "body") return { field: `${part}.${at[0]}`, message };
  return { field: `body${fieldPath(value, at)}`, message };
}

/** ".repositories[0]", ".variables.replicas": list entries by index, as a person writes them. */
function fieldPath(value: unknown, segments: readonly string[]): string {
  let path = "";
  let current = value;
  for (const segment of segments) {
    path += Array.isArray(current) ? `[${segment}]` : `.${segment}`;
    current = current !== null && typeof current === "object" ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

const isShort = (data: unknown) => (typeof data === "string" || typeof data === "number" || typeof data === "boolean") && String(data).length <= 64;

/**
 * What a schema takes, for a person: its kind where that says it all (true or false, a range, a
 * list of choices), else the schema's own description (a pattern means nothing to most people).
 */
export function expected(schema: Schema): string {
  if (schema.type === "boolean") return "true or false";
  if (schema.type === "integer") return wholeNumber(schema.minimum, schema.maximum);
  if (schema.enum) return `one of ${schema.enum.join(", ")}`;
  if (schema.description) return schema.description;
  if (schema.format === "date-time") return "a date and time, like 2026-12-24T00:00:00Z";
  if (schema.type === "string") return `text${characters(schema.minLength, schema.maxLength)}`;
  if (schema.type === "array") return schema.items ? `a list, each ${expected(schema.items)}` : "a list";
  if (schema.type === "object") return "a JSON object";
  return "not valid here";
}

function wholeNumber(minimum: number | undefined, maximum: number | undefined): string {
  if (minimum !== undefined && maximum !== undefined) return `a whole number from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `a whole number, at least ${minimum}`;
  if (maximum !== undefined) return `a whole number, at most ${maximum}`;
  return "a whole number";
}

function characters(minimum: number | undefined, maximum: number | undefined): string {
  if (minimum !== undefined && maximum !== undefined) return ` of ${minimum} to ${maximum} characters`;
  if (maximum !== undefined) return ` of at most ${maximum} characters`;
  if (minimum !== undefined) return ` of at least ${minimum} characters`;
  return "";
}
