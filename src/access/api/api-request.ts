import type { IncomingMessage } from "node:http";
import type { Actor } from "../../core/authorization/actor.js";
import { ApiProblem, badRequest } from "./api-problem.js";

/** Who is calling, once authenticated: a signed-in person, or an API token acting as its creator. */
export type Principal =
  /** `sessionId`: the store's id of the session (ending it ends this caller's access). */
  | { via: "session"; login: string; csrf: string; sessionId: string }
  | { via: "token"; login: string; tokenId: number; repositories: readonly string[] };

/** The actor the core authorizes and records for this caller. */
export function apiActor(principal: Principal): Extract<Actor, { kind: "api" }> {
  return principal.via === "token"
    ? { kind: "api", login: principal.login, via: "token", repositories: principal.repositories }
    : { kind: "api", login: principal.login, via: "session" };
}

/** A request as the API's handlers see it. */
export interface ApiRequest {
  method: string;
  path: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  raw: IncomingMessage;
  /** Set on every route but health and sign-in. */
  principal: Principal;
}

/** The largest JSON body the API reads: a request for an environment is far smaller. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON object body; 415 for another content type, 413 when too large, 400 when not a JSON object. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new ApiProblem(415, "Unsupported Media Type", "send the body as application/json");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiProblem(413, "Content Too Large", `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw badRequest("body", `not JSON: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw badRequest("body", "must be a JSON object");
  return body as Record<string, unknown>;
}

/** Refuses query parameters a route does not know: a misspelt filter must not silently match everything. */
export function onlyKnownQuery(query: URLSearchParams, known: readonly string[]): void {
  for (const name of new Set(query.keys())) {
    if (!known.includes(name)) throw badRequest(`query.${name}`, `unknown parameter; this route takes ${known.length > 0 ? known.join(", ") : "none"}`);
  }
}

/** An optional single-valued query parameter. */
export function queryValue(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw badRequest(`query.${name}`, "give it once");
  return values[0];
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export function pageSize(query: URLSearchParams): number {
  const text = queryValue(query, "limit");
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(text);
  if (!/^[0-9]+$/.test(text) || limit < 1 || limit > MAX_PAGE_SIZE) throw badRequest("query.limit", `a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return limit;
}

/** A cursor is opaque to callers: the position after which the next page starts. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeCursor<T>(query: URLSearchParams, check: (value: unknown) => value is T): T | undefined {
  const text = queryValue(query, "cursor");
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!check(value)) throw badRequest("query.cursor", "not a cursor this API gave out (use nextCursor of the previous page)");
  return value;
}

/** GitHub's owner/name. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
