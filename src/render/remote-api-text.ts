/** Why a call to a remote envbot failed, as data; worded below. */
export type RemoteApiFailure =
  /** No answer: refused, unknown host, timed out, or the connection broke off. */
  | { kind: "unreachable"; context: string; url: string; cause: string }
  /** 401: the token is unknown, revoked or malformed. */
  | { kind: "token-refused"; context: string; url: string; detail: string }
  /** 403: the token's creator may see this but not do it, or the token may not. */
  | { kind: "not-allowed"; context: string; detail: string }
  /** Any other problem+json answer (RFC 9457): its detail says it all. */
  | { kind: "problem"; status: number; detail: string }
  /** An answer that is not envbot's API (a proxy's page, another server at that URL). */
  | { kind: "not-the-api"; url: string; status: number; request: string };

/** A failed call to a remote envbot in one line; never the token. */
export function describeRemoteApiFailure(failure: RemoteApiFailure): string {
  switch (failure.kind) {
    case "unreachable":
      return `could not reach the envbot server at ${failure.url} (context ${failure.context}): ${failure.cause}`;
    case "token-refused":
      return `the server at ${failure.url} does not accept the API token of context ${failure.context} (${failure.detail}); add the context again with a valid token: envbot context add ${failure.context} ${failure.url}`;
    case "not-allowed":
      return `the API token of context ${failure.context} is not allowed to do this: ${failure.detail}`;
    case "problem":
      return failure.detail;
    case "not-the-api":
      return `${failure.url} answered ${failure.status} to ${failure.request}, which is not envbot's API: is the context's URL the envbot server's?`;
  }
}
