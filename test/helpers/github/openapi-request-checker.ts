import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";

// ajv-formats is CommonJS: its default import is the plugin at run time (see src/core/validation/create-ajv.ts).
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/** What the app sent to api.github.com, as nock saw it. */
export interface GitHubRequest {
  method: string;
  url: string;
  body?: unknown;
}

type Schema = Record<string, unknown>;
interface Operation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}
interface Template {
  path: string;
  segments: string[];
  literals: number;
}

const API = "https://api.github.com";
const HTTP_METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];
// OpenAPI formats ajv-formats does not know; they describe, they do not constrain.
const DESCRIPTIVE_FORMATS = ["int32", "int64", "double", "binary", "uri-template", "repo.nwo", "timestamp"];

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Schema>>;
}

let spec: Spec | undefined;
let templates: Template[] = [];
let ajv: Ajv;
const validators = new Map<string, ValidateFunction>();

/**
 * Loads only the 13 MB description: requiring @octokit/openapi would load every variant (~900 MB).
 * The JSON.parse reviver rewrites OpenAPI 3.0 `nullable: true` (which ajv rejects without `type`)
 * into `anyOf: [schema, {type: "null"}]`, bottom-up, in the one pass that parses the file anyway.
 */
function load(): Spec {
  if (spec) return spec;
  const packageDir = dirname(createRequire(import.meta.url).resolve("@octokit/openapi/package.json"));
  const text = readFileSync(join(packageDir, "generated", "api.github.com.json"), "utf8");
  spec = JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== "object" || (value as Schema).nullable !== true) return value;
    const { nullable: _nullable, ...schema } = value as Schema;
    return { anyOf: [schema, { type: "null" }] };
  }) as Spec;
  templates = Object.keys(spec.paths).map((path) => {
    const segments = path.split("/").slice(1);
    return { path, segments, literals: segments.filter((s) => !s.startsWith("{")).length };
  });
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  for (const format of DESCRIPTIVE_FORMATS) ajv.addFormat(format, true);
  // The whole description is one schema document, so `#/components/...` refs resolve inside it.
  ajv.addSchema(spec as unknown as Schema, "github");
  return spec;
}

/** Like GitHub's router: a literal segment beats a parameter, counted left to right on ties. */
function matchTemplate(segments: string[]): Template | undefined {
  const matches = templates.filter(
    (t) =>
      t.segments.length === segments.length &&
      t.segments.every((s, i) => (s.startsWith("{") ? segments[i] !== "" : s === segments[i])),
  );
  const shape = (t: Template) => t.segments.map((s) => (s.startsWith("{") ? "1" : "0")).join("");
  return matches.sort((a, b) => b.literals - a.literals || shape(a).localeCompare(shape(b)))[0];
}

function jsonPointer(...parts: string[]): string {
  return parts.map((p) => "/" + encodeURIComponent(p.replaceAll("~", "~0").replaceAll("/", "~1"))).join("");
}

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const [, group = "", name = ""] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
  return resolve(load().components[group]?.[name] ?? {});
}

/** The object schemas that may describe the top level: the schema and its allOf/anyOf/oneOf branches. */
function objectSchemas(schema: Schema): Schema[] {
  const resolved = resolve(schema);
  const branches = ["allOf", "anyOf", "oneOf"].flatMap((k) => (resolved[k] as Schema[] | undefined) ?? []);
  return [...(resolved.properties ? [resolved] : []), ...branches.flatMap(objectSchemas)];
}

/** Properties every top-level branch requires: the schema's own and those of its allOf members. */
function requiredProperties(schema: Schema): string[] {
  const resolved = resolve(schema);
  const members = (resolved.allOf as Schema[] | undefined) ?? [];
  return [...((resolved.required as string[] | undefined) ?? []), ...members.flatMap(requiredProperties)];
}

/** Everything GitHub would reject about this request's path, method and JSON body; [] when valid. */
export function checkGitHubRequest(request: GitHubRequest): string[] {
  const { paths } = load();
  const method = request.method.toLowerCase();
  const path = new URL(request.url, API).pathname;
  const what = `${request.method.toUpperCase()} ${path}`;
  let segments: string[];
  try {
    segments = path.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return [`${what}: the path is not valid percent-encoding`];
  }
  const template = matchTemplate(segments);
  if (!template) return [`${what}: no path of GitHub's REST API matches`];
  const operation = paths[template.path]?.[method];
  if (!operation || !HTTP_METHODS.includes(method)) {
    const allowed = Object.keys(paths[template.path] ?? {}).filter((m) => HTTP_METHODS.includes(m));
    return [`${what}: ${template.path} has no ${request.method.toUpperCase()} (only ${allowed.join(", ").toUpperCase()})`];
  }
  const body = request.body;
  const hasBody = body !== undefined && body !== "" && !(isObject(body) && Object.keys(body).length === 0);
  const content = operation.requestBody?.content;
  if (!content) return hasBody ? [`${what}: ${template.path} takes no request body`] : [];
  const schema = content["application/json"]?.schema;
  if (!schema) return []; // a raw upload (text/plain, octet-stream): nothing to check as JSON
  if (!hasBody) return operation.requestBody?.required ? [`${what}: a request body is required`] : [];

  const problems: string[] = [];
  const missing = new Set<string>();
  if (isObject(body)) {
    for (const name of requiredProperties(schema)) {
      if (!(name in body)) missing.add(name);
    }
    problems.push(...[...missing].map((name) => `${what}: missing required body property '${name}'`));
    const objects = objectSchemas(schema);
    const known = new Set(objects.flatMap((s) => Object.keys(s.properties as Schema)));
    for (const name of Object.keys(body)) {
      if (objects.length > 0 && !known.has(name)) problems.push(`${what}: unknown body property '${name}'`);
    }
  }
  const key = `${method} ${template.path}`;
  let validate = validators.get(key);
  if (!validate) {
    const pointer = jsonPointer("paths", template.path, method, "requestBody", "content", "application/json", "schema");
    validate = ajv.compile({ $ref: `github#${pointer}` });
    validators.set(key, validate);
  }
  if (!validate(body)) {
    for (const error of validate.errors ?? []) {
      const reported = error.instancePath === "" && missing.has(String(error.params.missingProperty));
      if (reported) continue;
      problems.push(`${what}: body${error.instancePath} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`);
    }
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
