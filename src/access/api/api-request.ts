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

/** A query parameter's value once validated against the OpenAPI document: integers and booleans as such, lists as arrays. */
export type QueryValue = string | number | boolean | readonly string[];

/**
 * A request as the API's handlers see it: its path parameters, query and body already valid
 * against the operation's schemas in openapi-document.ts (see request-validation.ts); a handler
 * names the shapes its operation's schemas give them as `Query` and `Body`.
 */
export interface ApiRequest<Query extends object = object, Body extends object = object> {
  method: string;
  path: string;
  /** The path's parameters; those the document types as integers are numbers. */
  params: Readonly<Record<string, string | number>>;
  /** The query's parameters that were given or have a default. */
  query: Query;
  /** The JSON body; {} when the operation takes none or an optional one was not sent. */
  body: Body;
  raw: IncomingMessage;
  /** Set on every route but health and sign-in. */
  principal: Principal;
}

/** The largest JSON body the API reads: a request for an environment is far smaller. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Whether the request carries a body at all (an empty one is none). */
export function sentBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

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

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
/** A paged list's query: `limit` has its default. */
export type Paged = { limit: number; cursor?: string };

/** A cursor is opaque to callers: the position after which the next page starts. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeCursor<T>(text: string | undefined, check: (value: unknown) => value is T): T | undefined {
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

/** One part of GitHub's owner/name: an owner, or a repository's name. */
export const REPOSITORY_PART = "[A-Za-z0-9_.-]{1,100}";
/** GitHub's owner/name. */
export const REPOSITORY_PATTERN = new RegExp(`^${REPOSITORY_PART}/${REPOSITORY_PART}$`);
