import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomUUID, sign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { Store } from "../../core/ports/index.js";

/** The one signing algorithm: AWS STS, and every JOSE library, verify RS256. */
const ALGORITHM = "RS256";

export interface OidcIssuerSettings {
  /** ENVBOT_PUBLIC_URL: the issuer; its /.well-known/ paths must be reachable by the cloud (AWS needs https). */
  issuer: string;
  /** The `aud` claim (ENVBOT_OIDC_AUDIENCE; AWS's default is sts.amazonaws.com). */
  audience: string;
  /** A new signing key every this long (ENVBOT_OIDC_KEY_ROTATION, default 30d). */
  rotationMs: number;
  now: () => Date;
}

export interface PublicJwk {
  kty: "RSA";
  kid: string;
  use: "sig";
  alg: typeof ALGORITHM;
  n: string;
  e: string;
}

/** envbot as an OpenID Connect issuer of short-lived tokens for its own runs (web identity federation). */
export interface OidcIssuer {
  issuer: string;
  audience: string;
  /** A signed JWT: `sub` and the claims given, issued now, valid `lifetimeSeconds`. */
  token(subject: string, claims: Record<string, unknown>, lifetimeSeconds: number): Promise<string>;
  /** The keys a verifier accepts: the previous period's, the current one's and the next one's. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** The discovery document served at /.well-known/openid-configuration. */
  discovery(): Record<string, unknown>;
}

export const JWKS_PATH = "/.well-known/jwks.json";
export const DISCOVERY_PATH = "/.well-known/openid-configuration";

/**
 * Signing keys live in the store (keepServerSecret: the first writer of a period's key wins), so
 * every server and worker of a fleet signs and serves the same keys. A key signs during its
 * period; the JWKS also holds the next period's (published before it signs, for verifiers that
 * cache) and the previous one's (for tokens signed just before the turn).
 */
export function oidcIssuer(settings: OidcIssuerSettings, store: Pick<Store, "keepServerSecret">): OidcIssuer {
  const keys = new Map<number, Promise<{ privateKey: KeyObject; jwk: PublicJwk }>>();
  const period = () => Math.floor(settings.now().getTime() / settings.rotationMs);

  const keyOf = (index: number) => {
    let key = keys.get(index);
    if (!key) {
      key = (async () => {
        const generated = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
        const pem = generated.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const privateKey = createPrivateKey(await store.keepServerSecret(`oidc-signing-key:${index}`, pem));
        return { privateKey, jwk: publicJwk(privateKey) };
      })();
      key.catch(() => keys.delete(index)); // a store outage is not remembered
      keys.set(index, key);
    }
    return key;
  };

  return {
    issuer: settings.issuer,
    audience: settings.audience,
    async token(subject, claims, lifetimeSeconds) {
      const { privateKey, jwk } = await keyOf(period());
      const now = Math.floor(settings.now().getTime() / 1000);
      const header = { alg: ALGORITHM, typ: "JWT", kid: jwk.kid };
      const payload = { ...claims, iss: settings.issuer, sub: subject, aud: settings.audience, iat: now, nbf: now, exp: now + lifetimeSeconds, jti: randomUUID() };
      const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
      return `${signingInput}.${base64url(sign("sha256", Buffer.from(signingInput), privateKey))}`;
    },
    async jwks() {
      const current = period();
      return { keys: (await Promise.all([current - 1, current, current + 1].map(keyOf))).map((key) => key.jwk) };
    },
    discovery() {
      return {
        issuer: settings.issuer,
        jwks_uri: `${settings.issuer}${JWKS_PATH}`,
        response_types_supported: ["id_token"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: [ALGORITHM],
        scopes_supported: ["openid"],
        claims_supported: ["iss", "sub", "aud", "iat", "nbf", "exp", "jti", "repository", "environment", "owner", "phase", "run_id", AWS_TAGS_CLAIM],
      };
    },
  };
}

/** The claim AWS STS reads session tags from in AssumeRoleWithWebIdentity. */
export const AWS_TAGS_CLAIM = "https://aws.amazon.com/tags";

function publicJwk(privateKey: KeyObject): PublicJwk {
  const { n, e } = createPublicKey(privateKey).export({ format: "jwk" }) as { n: string; e: string };
  // RFC 7638 thumbprint: the required members in lexicographic order, hashed.
  const kid = createHash("sha256").update(JSON.stringify({ e, kty: "RSA", n })).digest("base64url");
  return { kty: "RSA", kid, use: "sig", alg: ALGORITHM, n, e };
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}
