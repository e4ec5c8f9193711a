import { DISCOVERY_PATH, JWKS_PATH, type OidcIssuer } from "../../adapters/oidc/oidc-issuer.js";
import type { HttpHandler } from "./create-http-server.js";
import { respondJson } from "./respond-json.js";

/**
 * envbot's OpenID Connect discovery document and signing keys, public by design: AWS fetches
 * them to check the tokens envbot signs for its runs (ENVBOT_AWS_CREDENTIALS=oidc).
 */
export function oidcDiscoveryHandler(issuer: OidcIssuer): HttpHandler {
  return async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== DISCOVERY_PATH && path !== JWKS_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      respondJson(res, 405, { error: "GET only" }, { close: true });
      return true;
    }
    // Verifiers cache both; a key is published a whole period before it signs.
    const headers = { "cache-control": "public, max-age=300" };
    respondJson(res, 200, path === JWKS_PATH ? await issuer.jwks() : issuer.discovery(), { headers });
    return true;
  };
}
