import type { ServerResponse } from "node:http";
import type { ApiDeps } from "./api-deps.js";
import type { ApiRequest } from "./api-request.js";

/** One operation of the API, as openapi-document.ts describes it. */
export interface ApiRoute<Deps extends ApiDeps = ApiDeps> {
  method: "GET" | "POST" | "DELETE";
  /** With {parameters} as in the OpenAPI document: "/api/v1/runs/{id}". */
  path: string;
  /** "session": a signed-in person only; an API token cannot (make tokens, for one). */
  auth?: "session";
  handle(request: ApiRequest, res: ServerResponse, deps: Deps): Promise<void>;
}

/** The route for a method and path, with its parameters; or which methods the path takes. */
export function matchRoute<R extends ApiRoute<never>>(routes: readonly R[], method: string, path: string): { route: R; params: Record<string, string> } | { allowed: string[] } | undefined {
  const segments = path.split("/");
  const allowed: string[] = [];
  for (const route of routes) {
    const pattern = route.path.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i]!;
      if (part.startsWith("{") && part.endsWith("}")) {
        if (segment === "") return false;
        try {
          params[part.slice(1, -1)] = decodeURIComponent(segment);
        } catch {
          return false;
        }
        return true;
      }
      return part === segment;
    });
    if (!matches) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}
