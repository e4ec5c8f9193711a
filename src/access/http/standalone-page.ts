import type { ServerResponse } from "node:http";

/** Text for HTML, in an element or in a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2328}code{font-size:.9em;background:#f6f8fa;padding:.1em .3em;border-radius:4px;overflow-wrap:anywhere}button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #1f883d;background:#1f883d;color:#fff;cursor:pointer}";

/**
 * A page of the command line's own loopback servers (`envbot setup`, `envbot ui`'s door),
 * readable without the dashboard's files: its style inline, nothing else loaded, and no address
 * passed on to a link (the one GitHub sent back holds a code; the ui's a token). `html` is the
 * body, already escaped where it holds data.
 */
export function respondStandalonePage(res: ServerResponse, status: number, page: { product: string; title: string; html: string }): void {
  const title = escapeHtml(page.title);
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · ${escapeHtml(page.product)}</title><style>${STYLE}</style></head><body><main><h1>${title}</h1>${page.html}</main></body></html>`;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}
