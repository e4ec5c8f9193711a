import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { codeFile } from "../../adapters/package-paths.js";

/** Where the dashboard's files are: beside this module's source (the build copies them into dist). */
const STATIC_DIR = pathToFileURL(`${path.dirname(codeFile("access/web/serve-dashboard"))}/static/`);

/** The dashboard's own pages; each is the same shell, which routes in the browser. */
const PAGES = [/^\/$/, /^\/new$/, /^\/tokens$/, /^\/cost$/, /^\/runs\/[1-9][0-9]{0,15}$/, /^\/environments\/[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}\/[a-z0-9-]{1,40}$/];
const ASSET = /^\/assets\/([a-z0-9-]{1,40}\.(js|css|svg))$/;
const TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml" };
/**
 * Scripts of npm packages the dashboard loads, served as installed in node_modules (never copied
 * into the repository). Mermaid (3.5 MB) is loaded only by a page that has a graph to draw.
 */
const VENDOR = new Map([["/assets/vendor/mermaid.min.js", "mermaid/dist/mermaid.min.js"]]);
const resolvePackageFile = createRequire(import.meta.url).resolve;

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
  const etags = new WeakMap<Buffer, string>();
  const load = async (file: URL | string) => {
    const key = String(file);
    let content = cache.get(key);
    if (!content) {
      content = await readFile(file);
      cache.set(key, content);
    }
    return content;
  };
  const sendAsset = async (req: IncomingMessage, res: ServerResponse, locate: () => URL | string, type: string) => {
    let content: Buffer;
    try {
      content = await load(locate());
    } catch {
      return false; // A file that is not there (or a package not installed): unknown, like any other path.
    }
    // no-cache asks again each time; the ETag makes that answer a 304 (Mermaid alone is 3.5 MB).
    let etag = etags.get(content);
    if (etag === undefined) etags.set(content, (etag = `"${createHash("sha256").update(content).digest("base64url").slice(0, 27)}"`));
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag, "cache-control": "no-cache", ...DASHBOARD_HEADERS });
      res.end();
      return true;
    }
    res.writeHead(200, { "content-type": type, "content-length": content.length, "cache-control": "no-cache", etag, ...DASHBOARD_HEADERS });
    res.end(req.method === "HEAD" ? undefined : content);
    return true;
  };
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0]!;
    const vendor = VENDOR.get(path);
    if (vendor) return sendAsset(req, res, () => resolvePackageFile(vendor), TYPES.js!);
    const asset = ASSET.exec(path);
    if (asset) return sendAsset(req, res, () => new URL(asset[1]!, STATIC_DIR), TYPES[asset[2]!]!);
    if (!PAGES.some((page) => page.test(path))) return false;
    const content = await load(new URL("index.html", STATIC_DIR));
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": content.length, "cache-control": "no-cache", ...DASHBOARD_HEADERS });
    res.end(req.method === "HEAD" ? undefined : content);
    return true;
  };
}
