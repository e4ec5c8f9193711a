import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { respondJson } from "../http/respond-json.js";
import type { Store } from "../../core/ports/index.js";
import type { Revocations } from "./revocations.js";
import { findSession, startSession } from "./server-sessions.js";
import { cookie, OAUTH_STATE_COOKIE, readCookies, seal, SESSION_COOKIE, SESSION_TTL_MS, unseal } from "./session-cookie.js";

/** The GitHub App's OAuth client (its settings page), and where GitHub and envbot are. */
export interface SignInSettings {
  clientId: string;
  clientSecret: string;
  /** https://github.com, or a GitHub Enterprise Server's address. */
  webUrl: string;
  /** https://api.github.com, or https://HOST/api/v3. */
  apiUrl: string;
  /** ENVBOT_PUBLIC_URL: where people reach envbot; the callback is PUBLIC_URL/auth/callback. */
  publicUrl?: string;
}

/** How long a person has to finish signing in on GitHub. */
const STATE_TTL_MS = 10 * 60 * 1000;

/**
 * Sign in with GitHub (the OAuth web flow of the App's client): /auth/login sends the person to
 * GitHub with a random state kept in a signed cookie; /auth/callback checks the state, trades
 * the code for a user token, asks GitHub who it is, keeps a session in the store and sets its
 * cookie. envbot keeps no GitHub token: what the person may see and do is asked through the
 * App, per repository. /auth/logout ends the session in the store, so a copy of the cookie ends too.
 */
export function createSignInHandler(options: {
  settings?: SignInSettings;
  /** Set whenever `settings` is. */
  sessionSecret?: string;
  store: Store;
  revocations: Revocations;
  now: () => Date;
  log: { info(message: string): void; warn(details: object, message: string): void };
}): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { settings, sessionSecret, store, revocations, now, log } = options;
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://envbot.invalid");
    if (!url.pathname.startsWith("/auth/")) return false;
    const secure = isSecure(req, settings);
    if (url.pathname === "/auth/logout" && req.method === "POST") {
      // The session's CSRF token guards sign-out too: another site cannot sign a person out.
      const session = await findSession(store, readCookies(req.headers.cookie).get(SESSION_COOKIE), sessionSecret, now());
      if (session && req.headers["x-csrf-token"] !== session.csrf) {
        respondJson(res, 403, { error: "signing out needs the X-CSRF-Token header" });
        return true;
      }
      if (session && (await store.endSession(session.storedId))) {
        revocations.announce();
        log.info(`${session.login} signed out`);
      }
      res.writeHead(204, { "set-cookie": cookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, secure }) }).end();
      return true;
    }
    if (req.method !== "GET" || (url.pathname !== "/auth/login" && url.pathname !== "/auth/callback")) {
      respondJson(res, 404, { error: "not found" });
      return true;
    }
    if (!settings || sessionSecret === undefined) {
      page(
        res,
        503,
        "Sign-in is not set up",
        "The dashboard signs people in with GitHub, through the envbot App's OAuth client. On the envbot server, set " +
          "<code>GITHUB_CLIENT_ID</code> (the App's Client ID, on its settings page on GitHub) and <code>GITHUB_CLIENT_SECRET</code> " +
          "(a client secret generated there), then restart envbot. Pull requests are planned meanwhile: only the dashboard and the API wait for it.",
      );
      return true;
    }
    if (url.pathname === "/auth/login") {
      const state = randomBytes(18).toString("base64url");
      const returnTo = localPath(url.searchParams.get("returnTo"));
      const authorize = new URL("/login/oauth/authorize", settings.webUrl);
      authorize.searchParams.set("client_id", settings.clientId);
      authorize.searchParams.set("redirect_uri", callbackUrl(req, settings));
      authorize.searchParams.set("state", state);
      authorize.searchParams.set("allow_signup", "false");
      res.writeHead(302, {
        location: authorize.href,
        "set-cookie": cookie(OAUTH_STATE_COOKIE, seal({ state, returnTo, expiresAt: now().getTime() + STATE_TTL_MS }, sessionSecret), { maxAgeSeconds: STATE_TTL_MS / 1000, secure }),
        "cache-control": "no-store",
      });
      res.end();
      return true;
    }
    // /auth/callback
    const expected = unseal(readCookies(req.headers.cookie).get(OAUTH_STATE_COOKIE) ?? "", sessionSecret) as { state?: string; returnTo?: string; expiresAt?: number } | undefined;
    const code = url.searchParams.get("code");
    if (!expected?.state || expected.state !== url.searchParams.get("state") || (expected.expiresAt ?? 0) < now().getTime()) {
      page(res, 400, "Sign-in did not complete", "The sign-in expired or did not start here. <a href=\"/auth/login\">Sign in again</a>.");
      return true;
    }
    if (!code) {
      page(res, 400, "Sign-in was not allowed", "GitHub did not return a code (the request was denied). <a href=\"/auth/login\">Try again</a>.");
      return true;
    }
    let login: string;
    try {
      login = await githubLogin(settings, code, callbackUrl(req, settings));
    } catch (error) {
      log.warn({ err: error }, "GitHub sign-in failed");
      page(res, 502, "Sign-in failed", "GitHub did not confirm who you are. <a href=\"/auth/login\">Try again</a>.");
      return true;
    }
    const { cookie: sealed } = await startSession(store, login, sessionSecret, now());
    log.info(`${login} signed in`);
    res.writeHead(302, {
      location: localPath(expected.returnTo ?? null),
      "set-cookie": [cookie(SESSION_COOKIE, sealed, { maxAgeSeconds: SESSION_TTL_MS / 1000, secure }), cookie(OAUTH_STATE_COOKIE, "", { maxAgeSeconds: 0, secure })],
      "cache-control": "no-store",
    });
    res.end();
    return true;
  };
}

/** Trades the code for a user token, and the token for the login; the token is then dropped. */
async function githubLogin(settings: SignInSettings, code: string, redirectUri: string): Promise<string> {
  const exchange = await fetch(new URL("/login/oauth/access_token", settings.webUrl), {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({ client_id: settings.clientId, client_secret: settings.clientSecret, code, redirect_uri: redirectUri }),
    signal: AbortSignal.timeout(10_000),
  });
  const token = (await exchange.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!exchange.ok || !token.access_token) throw new Error(`the code exchange answered ${exchange.status} ${token.error ?? ""}`.trim());
  const user = await fetch(`${settings.apiUrl.replace(/\/$/, "")}/user`, {
    headers: { accept: "application/vnd.github+json", authorization: `Bearer ${token.access_token}`, "x-github-api-version": "2022-11-28", "user-agent": "envbot" },
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await user.json().catch(() => ({}))) as { login?: string };
  if (!user.ok || typeof body.login !== "string") throw new Error(`GET /user answered ${user.status}`);
  return body.login;
}

function callbackUrl(req: IncomingMessage, settings: SignInSettings): string {
  // Without ENVBOT_PUBLIC_URL, the address the browser used; GitHub only redirects to the callback URL registered for the App.
  const base = settings.publicUrl ?? `http://${req.headers.host ?? "localhost"}`;
  return new URL("/auth/callback", base).href;
}

function isSecure(req: IncomingMessage, settings: SignInSettings | undefined): boolean {
  return settings?.publicUrl?.startsWith("https:") === true || (req.socket as { encrypted?: boolean }).encrypted === true;
}

/** Only a path on this server: never another site (an open redirect). */
function localPath(path: string | null): string {
  return path !== null && /^\/(?![/\\])[^\s]*$/.test(path) ? path : "/";
}

function page(res: ServerResponse, status: number, title: string, html: string): void {
  // The dashboard's own stylesheet and logo (same origin: its content security policy allows them).
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · envbot</title><link rel="stylesheet" href="/assets/app.css"></head><body><header class="top"><a class="brand" href="/"><img src="/assets/logo.svg" alt="" width="24" height="24"> envbot</a></header><main><h1>${title}</h1><p>${html}</p></main></body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}
