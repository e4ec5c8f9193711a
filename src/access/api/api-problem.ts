import type { ServerResponse } from "node:http";
import { respondJson } from "../http/respond-json.js";

/** One input the API could not take, named as the caller wrote it ("query.status", "body.ttl"). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An answer other than success, as RFC 9457 problem details: every handler throws these, and
 * the API turns anything else into a 500 that says nothing of the server's insides.
 */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(detail);
    this.name = "ApiProblem";
  }
}

export function badRequest(field: string, message: string): ApiProblem {
  return new ApiProblem(400, "Bad Request", `${field}: ${message}`, [{ field, message }]);
}

export function unauthorized(detail = "sign in with GitHub, or send an API token as 'Authorization: Bearer <token>'"): ApiProblem {
  return new ApiProblem(401, "Unauthorized", detail, undefined, { "www-authenticate": 'Bearer realm="envbot"' });
}

export function forbidden(detail: string): ApiProblem {
  return new ApiProblem(403, "Forbidden", detail);
}

export function notFound(detail: string): ApiProblem {
  return new ApiProblem(404, "Not Found", detail);
}

export function respondProblem(res: ServerResponse, problem: ApiProblem, instance: string): void {
  respondJson(
    res,
    problem.status,
    { type: "about:blank", title: problem.title, status: problem.status, detail: problem.message, instance, ...(problem.errors ? { errors: problem.errors } : {}) },
    { headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...problem.headers } },
  );
}
