import type { IncomingMessage, ServerResponse } from "node:http";
import type { Store } from "../../core/ports/index.js";
import { isLoopbackHost } from "../http/loopback-host.js";
import { sameSecret } from "../http/same-secret.js";
import { respondStandalonePage } from "../http/standalone-page.js";
import { forbidden, respondProblem, unauthorized } from "./api-problem.js";
import type { Revocations } from "./revocations.js";
import { findSession, startSession } from "./server-sessions.js";
import { cookie, readCookies, SESSION_TTL_MS } from "./session-cookie.js";

/** The query parameter of the address `envbot ui` prints. */
export const LOCAL_TOKEN_PARAMETER = "token";

export interface LocalSignInOptions {
  /** The random token of the address `envbot ui` printed: the one way to a session. */
  token: string;
  /** Who a session acts as: the command line's user ("cli:alice"). */
  login: string;
  store: Store;
  /** Seals the session cookies; random per process, so they end with it. */
  sessionSecret: string;
  /** The session cookie's name (the API reads the same one: ApiDeps.sessionCookie). */
  cookieName: string;
  /** The port the server listens on, on 127.0.0.1. */
  port: () => number;
  revocations: Revocations;
  now: () => Date;
}

/**
 * The door of `envbot ui`, before the API and the dashboard: no GitHub, one person (whoever holds
 * the printed token). A request whose Host is not 127.0.0.1:PORT or localhost:PORT is refused
 * (421; a site whose name was pointed at 127.0.0.1 gets nothing: DNS rebinding). A GET with the
 * right `?token=` starts a session (kept in the store like a GitHub sign-in's) and sets its
 * cookie (HttpOnly, SameSite=Strict), then redirects to the same address without the token. Any
 * other request needs that session: without it, 401 (a wrong token: 403). POST /auth/logout ends
 * it (with the session's X-CSRF-Token, as on the server). Resolves false for a request it lets
 * through to the API and the dashboard, which check the session again as they always do.
 */
export function createLocalSignIn(options: LocalSignInOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { token, login, store, sessionSecret, cookieName, revocations, now } = options;
  const setCookie = (value: string, maxAgeSeconds: number) => cookie(cookieName, value, { maxAgeSeconds, secure: false, sameSite: "Strict" });
  return async (req, res) => {
    const port = options.port();
    const origin = `http://127.0.0.1:${port}`;
    if (!isLoopbackHost(req.headers.host, port)) {
      page(res, 421, "Not this address", `envbot ui answers only at ${origin}/ (and localhost:${port}).`);
      return true;
    }
    const url = new URL(req.url ?? "/", origin);
    const given = url.searchParams.get(LOCAL_TOKEN_PARAMETER);
    if (given !== null) {
      if (!sameSecret(given, token)) {
        page(res, 403, "Not this envbot ui's address", "The token in this address is not the one of the envbot ui running here: it prints a new one each time it starts. Open the address it printed last.");
        return true;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        page(res, 405, "Not allowed", "Open the address envbot ui printed in a browser.");
        return true;
      }
      const { cookie: sealed } = await startSession(store, login, sessionSecret, now());
      url.searchParams.delete(LOCAL_TOKEN_PARAMETER);
      res.writeHead(303, { location: `${url.pathname}${url.search}`, "set-cookie": setCookie(sealed, SESSION_TTL_MS / 1000), "cache-control": "no-store", "referrer-policy": "no-referrer" });
      res.end();
      return true;
    }
    const session = await findSession(store, readCookies(req.headers.cookie).get(cookieName), sessionSecret, now());
    if (!session) {
      const why = "open the address envbot ui printed (it carries a token); a session ends when envbot ui stops";
      if (url.pathname.startsWith("/api/")) respondProblem(res, unauthorized(why), url.pathname);
      else page(res, 401, "Open the address envbot ui printed", `This dashboard shows your machine's records to you alone: ${why}.`);
      return true;
    }
    if (url.pathname === "/auth/logout" && req.method === "POST") {
      // As on the server: another page cannot sign a person out.
      if (!sameSecret(req.headers["x-csrf-token"], session.csrf)) {
        respondProblem(res, forbidden("signing out needs the X-CSRF-Token header"), url.pathname);
        return true;
      }
      if (await store.endSession(session.storedId)) revocations.announce();
      res.writeHead(204, { "set-cookie": setCookie("", 0), "cache-control": "no-store" }).end();
      return true;
    }
    return false;
  };
}

/** A page of plain text (no data of the request in it). */
function page(res: ServerResponse, status: number, title: string, text: string): void {
  respondStandalonePage(res, status, { product: "envbot ui", title, html: `<p>${text}</p>` });
}
