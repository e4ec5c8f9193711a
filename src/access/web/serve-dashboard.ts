import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Where the dashboard's files are: next to this module (the build copies them into dist). */
const STATIC_DIR = new URL("./static/", import.meta.url);

/** The dashboard's own pages; each is the same shell, which routes in the browser. */
const PAGES = [/^\/$/, /^\/new$/, /^\/tokens$/, /^\/runs\/[1-9][0-9]{0,15}$/, /^\/environments\/[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}\/[a-z0-9-]{1,40}$/];
const ASSET = /^\/assets\/([a-z0-9-]{1,40}\.(js|css|svg))$/;
const TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml" };

/**
 * The page may run only its own scripts and styles and talk only to its own server: data from
 * the API is put into the page as text, and a script injected anyway could not send it away.
 */
export const DASHBOARD_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/**
 * Serves the dashboard: the page shell for its routes and its static files. Everything it
 * shows comes from /api/v1 with the visitor's own session, so it can show nothing the API
 * would not. Resolves false for other paths.
 */
export function createDashboardHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const cache = new Map<string, Buffer>();
  const load = async (name: string) => {
    let content = cache.get(name);
    if (!content) {
      content = await readFile(new URL(name, STATIC_DIR));
      cache.set(name, content);
    }
    return content;
  };
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0]!;
    const asset = ASSET.exec(path);
    if (asset) {
      const content = await load(asset[1]!).catch(() => undefined);
      if (!content) return false;
      res.writeHead(200, { "content-type": TYPES[asset[2]!]!, "content-length": content.length, "cache-control": "no-cache", ...DASHBOARD_HEADERS });
      res.end(req.method === "HEAD" ? undefined : content);
      return true;
    }
    if (!PAGES.some((page) => page.test(path))) return false;
    const content = await load("index.html");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": content.length, "cache-control": "no-cache", ...DASHBOARD_HEADERS });
    res.end(req.method === "HEAD" ? undefined : content);
    return true;
  };
}
