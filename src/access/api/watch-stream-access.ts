import { requireAllowed, type ApiDeps } from "./api-deps.js";
import { ApiProblem } from "./api-problem.js";
import type { ApiRequest } from "./api-request.js";
import { authenticateRequest } from "./authenticate-request.js";

/**
 * Keeps asking whether the caller of an open stream may still read `environment`: every
 * `deps.streamReauthorizeMs`, and at once on a revocation made in this process. The caller's
 * credentials are checked again as on a new request (a revoked token, an ended or expired
 * session no longer hold), then its read access. `onEnd` is called once: with why, when access
 * ended; with undefined when the check could not be answered now (the store or GitHub out of
 * reach): the stream closes either way, and a reconnecting client is checked anew.
 */
export function watchStreamAccess(request: ApiRequest, deps: ApiDeps, environment: { repository: string; name?: string }, onEnd: (why: string | undefined) => void): { stop(): void } {
  let stopped = false;
  let checking = false;
  let again = false;
  const check = async (): Promise<void> => {
    if (stopped) return;
    // A revocation during a check is checked after it: the check under way may have read before it.
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        const principal = await authenticateRequest(request.raw, deps);
        if (principal?.login !== request.principal.login) throw new ApiProblem(401, "Unauthorized", "the session has ended: sign in with GitHub again");
        await requireAllowed(deps, principal, "read", environment);
      } while (again && !stopped);
    } catch (error) {
      if (!stopped) {
        stop();
        onEnd(error instanceof ApiProblem ? error.message : undefined);
      }
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), deps.streamReauthorizeMs);
  const unlisten = deps.revocations.listen(() => void check());
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    unlisten();
  };
  return { stop };
}
