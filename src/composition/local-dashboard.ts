import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { STREAM_REAUTHORIZE_MS, type ApiDeps } from "../access/api/api-deps.js";
import { ApiProblem } from "../access/api/api-problem.js";
import { createApiHandler } from "../access/api/create-api-handler.js";
import { createLocalSignIn, LOCAL_TOKEN_PARAMETER } from "../access/api/local-sign-in.js";
import { createRevocations } from "../access/api/revocations.js";
import type { HttpHandler } from "../access/http/create-http-server.js";
import { respondJson } from "../access/http/respond-json.js";
import { createDashboardHandler } from "../access/web/serve-dashboard.js";
import { renamedRepositoryStore } from "../adapters/store/renamed-repository-store.js";
import { repositoryStorageKey } from "../adapters/terraform/repository-storage-key.js";
import type { AccessPolicy } from "../core/authorization/authorize.js";
import type { RepositoryChanges, Store } from "../core/ports/index.js";

/** The one interface `envbot ui` listens on. */
export const LOCAL_DASHBOARD_HOST = "127.0.0.1";

export interface LocalDashboardOptions {
  /** The command line's store (the data directory's, or ENVBOT_DATABASE_URL's). */
  store: Store;
  /** The checkout, as the command line's records name it (its absolute real path). */
  repository: string;
  /** Who the browser acts as: the command line's actor as records read it ("cli:alice"). */
  login: string;
  /** 0: a free one. */
  port: number;
  /** What the server has to say (a request it could not answer). */
  log: (line: string) => void;
}

export interface LocalDashboard {
  /** The address to open: it carries the token that signs the browser in. */
  url: string;
  /** The address without the token. */
  origin: string;
  /** The checkout as the API and the dashboard name it ("local/<folder>-<hash>", as its state is stored). */
  shownAs: string;
  close(): Promise<void>;
}

/**
 * `envbot ui`'s server, on 127.0.0.1 only: the App's REST API and dashboard over the command
 * line's records of one checkout, without GitHub. The checkout reads as an OWNER/NAME there
 * (its state's storage name), which the API's paths can carry. The API and its checks are the
 * server's own: a session (started by the printed token, see createLocalSignIn) acts as the
 * command line's user, whom the access policy gives admin permission on this checkout and no
 * other repository; the CSRF check of every change made with a session stays. What needs GitHub
 * (the actions, which read the default branch's policy first: plan now, extend, unlock, destroy,
 * request an environment; the templates of the default branch) answers 403, not available locally.
 */
export async function serveLocalDashboard(options: LocalDashboardOptions): Promise<LocalDashboard> {
  const { login, log } = options;
  const shownAs = repositoryStorageKey(options.repository);
  const store = renamedRepositoryStore(options.store, { stored: options.repository, shown: shownAs });
  const token = randomBytes(32).toString("base64url");
  const sessionSecret = randomBytes(32).toString("base64url");
  const now = () => new Date();
  const revocations = createRevocations();
  let handlers: readonly HttpHandler[] = [];

  const server: Server = createServer((req, res) => {
    void answer(req, res).catch((error: unknown) => {
      log(`envbot ui: could not answer ${req.method} ${(req.url ?? "/").split("?")[0]}: ${errorText(error)}`);
      if (!res.headersSent) respondJson(res, 500, { error: "envbot ui could not answer this request" }, { close: true });
      else res.destroy();
    });
  });
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of handlers) if (await handler(req, res)) return;
    respondJson(res, 404, { error: "not found" }, { close: true });
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, LOCAL_DASHBOARD_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // A browser sends 127.0.0.1's cookies to each of its ports: one name per port keeps an App
  // server's session (or another envbot ui's) apart from this one.
  const sessionCookie = `envbot_ui_${port}`;

  const access: AccessPolicy = {
    permissionOf: async (repository, who) => (repository === shownAs && who === login ? "admin" : "none"),
    isTeamMember: async () => false,
  };
  const unavailable = () => notAvailableLocally();
  const changes: RepositoryChanges = {
    defaultBranch: async () => unavailable(),
    filesAt: () => unavailable(),
    propose: async () => unavailable(),
  };
  const deps: ApiDeps = {
    store,
    access,
    canonicalRepository: async (written) => (written.toLowerCase() === shownAs.toLowerCase() ? shownAs : undefined),
    queue: { enqueue: async () => unavailable() },
    sessionSecret,
    sessionCookie,
    now,
    revocations,
    streamReauthorizeMs: STREAM_REAUTHORIZE_MS,
    changes,
    installationOf: async () => unavailable(),
    log: { info: (_details, message) => log(`envbot ui: ${message}`) },
    // One repository, and no GitHub to spare lookups of.
    lookups: { allow: () => true },
  };
  handlers = [
    createLocalSignIn({ token, login, store, sessionSecret, cookieName: sessionCookie, port: () => port, revocations, now }),
    createApiHandler({ deps, log: { error: (details, message) => log(`envbot ui: ${message}: ${errorText((details as { err?: unknown }).err)}`) } }),
    createDashboardHandler(),
  ];

  const origin = `http://${LOCAL_DASHBOARD_HOST}:${port}`;
  return {
    url: `${origin}/?${LOCAL_TOKEN_PARAMETER}=${token}`,
    origin,
    shownAs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open log streams and idle keep-alive connections end now, not when the browser lets go.
        server.closeAllConnections();
      }),
  };
}

/** What needs GitHub (the App's installation, the default branch, a pull request) is not here. */
function notAvailableLocally(): never {
  throw new ApiProblem(
    403,
    "Forbidden",
    "not available locally: this needs envbot's GitHub App (the repository's default branch, a pull request or the App's queue); envbot ui shows what the command line recorded. Use envbot plan, apply or destroy NAME in the checkout instead",
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
