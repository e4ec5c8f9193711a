import type { RemoteApiFailure } from "../access/cli/remote/remote-api-error.js";

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
