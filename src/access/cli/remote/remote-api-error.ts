import { describeRemoteApiFailure } from "../../../render/remote-api-text.js";
import { CommandFailure } from "../cli-io.js";

/** Why a call to a remote envbot failed, as data; the words are render/remote-api-text.ts's. */
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

export class RemoteApiError extends CommandFailure {
  constructor(readonly failure: RemoteApiFailure) {
    super(describeRemoteApiFailure(failure));
    this.name = "RemoteApiError";
  }
}
