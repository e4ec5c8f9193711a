import type { IncomingMessage } from "node:http";
import type { Store } from "../../core/ports/index.js";
import { unauthorized } from "./api-problem.js";
import type { Principal } from "./api-request.js";
import { API_TOKEN_PREFIX, hashApiToken } from "./api-tokens.js";
import { findSession } from "./server-sessions.js";
import { readCookies, SESSION_COOKIE } from "./session-cookie.js";

/**
 * Who sent the request: an API token in the Authorization header (checked by its hash), else the
 * session cookie (checked by its seal and by the store, where a sign-out ends it). undefined
 * when neither is there; a token or cookie that does not hold is a 401 at once, never a
 * fall-back to the other.
 */
export async function authenticateRequest(req: IncomingMessage, deps: { store: Store; sessionSecret?: string; sessionCookie?: string; now: () => Date }): Promise<Principal | undefined> {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const [scheme, token, ...rest] = authorization.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== "bearer" || token === undefined || rest.length > 0 || !token.startsWith(API_TOKEN_PREFIX)) {
      throw unauthorized("the Authorization header must be 'Bearer envbot_...', an API token created in envbot");
    }
    const record = await deps.store.useApiToken(hashApiToken(token));
    if (!record) throw unauthorized("this API token is not known (or was revoked)");
    return { via: "token", login: record.login, tokenId: record.id, repositories: record.repositories };
  }
  const cookie = readCookies(req.headers.cookie).get(deps.sessionCookie ?? SESSION_COOKIE);
  if (cookie === undefined) return undefined;
  const session = await findSession(deps.store, cookie, deps.sessionSecret, deps.now());
  if (!session) throw unauthorized("the session has ended: sign in with GitHub again");
  return { via: "session", login: session.login, csrf: session.csrf, sessionId: session.storedId };
}
