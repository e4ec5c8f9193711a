import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { openApiDocument } from "../../../src/access/api/openapi-document.js";

// ajv-formats is CommonJS: its default import is the plugin at run time.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openApiDocument as unknown as object, "envbot-openapi");
const validators = new Map<string, ValidateFunction>();

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** The document's path template for a concrete path ("/api/v1/runs/7" -> "/api/v1/runs/{id}"). */
export function pathTemplateOf(path: string): string | undefined {
  const segments = path.split("?")[0]!.split("/");
  return Object.keys(openApiDocument.paths).find((template) => {
    const parts = template.split("/");
    return parts.length === segments.length && parts.every((part, i) => (part.startsWith("{") ? segments[i] !== "" : part === segments[i]));
  });
}

/**
 * What is wrong with an answer of envbot's API according to its own OpenAPI document: an
 * undocumented path, method, status or content type, or a body its schema rejects. Empty when valid.
 */
export function checkApiResponse(response: { method: string; path: string; status: number; contentType: string; body: unknown }): string[] {
  const template = pathTemplateOf(response.path);
  const where = `${response.method} ${response.path} -> ${response.status}`;
  if (!template) {
    // A path the API does not have: a problem+json 404 is the documented answer to it.
    if (response.status !== 404 || !response.contentType.startsWith("application/problem+json")) return [`${where}: the path is not in the OpenAPI document`];
    const problem = ajv.getSchema("envbot-openapi#/components/schemas/Problem")!;
    return problem(response.body) ? [] : [`${where}: not a problem document`];
  }
  const operation = (openApiDocument.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>)[template]![response.method.toLowerCase()];
  if (!operation) {
    // A method the path does not take: a problem+json 405 is the answer to it.
    if (response.status !== 405 || !response.contentType.startsWith("application/problem+json")) return [`${where}: the method is not documented for ${template}`];
    return ajv.getSchema("envbot-openapi#/components/schemas/Problem")!(response.body) ? [] : [`${where}: not a problem document`];
  }
  const documented = operation.responses[String(response.status)];
  if (!documented) return [`${where}: status ${response.status} is not documented (documented: ${Object.keys(operation.responses).join(", ")})`];
  if (!documented.content) return response.body === undefined || response.body === "" ? [] : [`${where}: documented without a body, but one came`];
  const type = response.contentType.split(";")[0]!.trim();
  if (!(type in documented.content)) return [`${where}: content type ${type} is not documented (${Object.keys(documented.content).join(", ")})`];
  if (type === "text/event-stream") return [];
  const ref = `envbot-openapi#/${pointer("paths", template, response.method.toLowerCase(), "responses", String(response.status), "content", type, "schema")}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) return [`${where}: no schema at ${ref}`];
    validators.set(ref, validate);
  }
  if (validate(response.body)) return [];
  return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || "(body)"} ${error.message} ${JSON.stringify(error.params)}`);
}
