import type { Context } from "../contexts/index.js";
import { readServerSentEvents, type ServerSentEvent } from "./read-server-sent-events.js";
import { RemoteApiError } from "./remote-api-error.js";

/** How long one request may take before the server counts as unreachable (a stream has no limit). */
export const REQUEST_TIMEOUT_MS = 30_000;

type Query = Record<string, string | number | undefined>;

/** A remote envbot's REST API (/api/v1), as the context's token. Failures are RemoteApiErrors. */
export interface EnvbotApi {
  readonly context: Context;
  get<T>(path: string, query?: Query): Promise<T>;
  /** A POST, with `body` as JSON when given. */
  post<T>(path: string, body?: Record<string, unknown>): Promise<T>;
  /** A Server-Sent Events stream, resumed after `lastEventId` when given. */
  stream(path: string, lastEventId?: string): AsyncGenerator<ServerSentEvent>;
}

export function envbotApi(context: Context): EnvbotApi {
  const urlOf = (path: string, query: Query = {}) => {
    const search = new URLSearchParams(Object.entries(query).flatMap(([key, value]): [string, string][] => (value === undefined ? [] : [[key, String(value)]])));
    return `${context.url}${path}${search.size > 0 ? `?${search}` : ""}`;
  };
  const send = async (method: string, path: string, query: Query | undefined, headers: Record<string, string>, timeout: boolean, body?: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(urlOf(path, query), {
        method,
        headers: { authorization: `Bearer ${context.token}`, "user-agent": "envbot-cli", ...headers },
        ...(body !== undefined && { body }),
        redirect: "error",
        ...(timeout ? { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) } : {}),
      });
    } catch (error) {
      throw new RemoteApiError({ kind: "unreachable", context: context.name, url: context.url, cause: causeOf(error) });
    }
    if (!response.ok) throw await failureOf(response, `${method} ${path}`);
    return response;
  };
  const json = async <T>(response: Response, request: string): Promise<T> => {
    if (!(response.headers.get("content-type") ?? "").includes("json")) throw new RemoteApiError({ kind: "not-the-api", url: context.url, status: response.status, request });
    return (await response.json()) as T;
  };
  const failureOf = async (response: Response, request: string): Promise<RemoteApiError> => {
    const problem = (response.headers.get("content-type") ?? "").includes("json") ? ((await response.json().catch(() => undefined)) as { detail?: unknown } | undefined) : undefined;
    await response.body?.cancel().catch(() => undefined);
    if (typeof problem?.detail !== "string") return new RemoteApiError({ kind: "not-the-api", url: context.url, status: response.status, request });
    const detail = problem.detail;
    if (response.status === 401) return new RemoteApiError({ kind: "token-refused", context: context.name, url: context.url, detail });
    if (response.status === 403) return new RemoteApiError({ kind: "not-allowed", context: context.name, detail });
    return new RemoteApiError({ kind: "problem", status: response.status, detail });
  };
  return {
    context,
    async get<T>(path: string, query?: Query) {
      return json<T>(await send("GET", path, query, { accept: "application/json" }, true), `GET ${path}`);
    },
    async post<T>(path: string, body?: Record<string, unknown>) {
      const headers = { accept: "application/json", ...(body !== undefined && { "content-type": "application/json" }) };
      return json<T>(await send("POST", path, undefined, headers, true, body === undefined ? undefined : JSON.stringify(body)), `POST ${path}`);
    },
    async *stream(path: string, lastEventId?: string) {
      const response = await send("GET", path, undefined, { accept: "text/event-stream", ...(lastEventId !== undefined ? { "last-event-id": lastEventId } : {}) }, false);
      if (!response.body) return;
      try {
        yield* readServerSentEvents(response.body);
      } catch (error) {
        throw new RemoteApiError({ kind: "unreachable", context: context.name, url: context.url, cause: `the stream broke off (${causeOf(error)})` });
      }
    },
  };
}

/** What went wrong below HTTP, in a few words: ECONNREFUSED, ENOTFOUND, a timeout. */
function causeOf(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
