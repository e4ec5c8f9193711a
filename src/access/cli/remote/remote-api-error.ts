import { describeRemoteApiFailure, type RemoteApiFailure } from "../../../render/remote-api-text.js";
import { CommandFailure } from "../cli-io.js";

export type { RemoteApiFailure };

/** A remote envbot refused or could not be reached: printed as one line, exit 1. */
export class RemoteApiError extends CommandFailure {
  constructor(readonly failure: RemoteApiFailure) {
    super(describeRemoteApiFailure(failure));
    this.name = "RemoteApiError";
  }
}
