import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Probot } from "probot";
import { SESSION_COOKIE } from "../../../src/access/api/session-cookie.js";
import { newSessionWithRecord } from "../../../src/access/api/server-sessions.js";
import { newApiToken } from "../../../src/access/api/api-tokens.js";
import type { SignInSettings } from "../../../src/access/api/github-sign-in.js";
import { createHttpServer } from "../../../src/access/http/create-http-server.js";
import { openSqliteStore } from "../../../src/adapters/store/sqlite/index.js";
import { controlPlaneHandlers } from "../../../src/composition/control-plane.js";
import type { JobQueue, QueuedJob, Store } from "../../../src/core/ports/index.js";
import { createTestProbot, TEST_WEBHOOK_SECRET } from "../github/test-probot.js";
import { checkApiResponse } from "./openapi-response-checker.js";

export const TEST_SESSION_SECRET = "test-session-secret-of-at-least-32-characters";

/** How a test request authenticates: an API token, or a session (cookie, and the CSRF token a change sends). */
export type Credentials = { token: string } | { session: { cookie: string; csrf: string }; csrf?: boolean } | undefined;

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a test reads what the document describes
}

export interface ControlPlaneServer {
  origin: string;
  /** Jobs the API queued, when the test gave no queue of its own. */
  queued: QueuedJob[];
  store: Store;
  probot: Probot;
  /** Calls the API; every answer is checked against the OpenAPI document (see `violations`). */
  call(method: string, path: string, options?: { as?: Credentials; body?: unknown; headers?: Record<string, string> }): Promise<ApiAnswer>;
  /** Answers that the OpenAPI document does not describe; a test expects none. */
  violations: string[];
  /**
   * A session for `login`, as signing in would make it (kept in the store). Its record is written
   * as it is made with the SQLite store (and `call` waits for it with any store).
   */
  sessionFor(login: string): { cookie: string; csrf: string };
  /** As sessionFor, once the store keeps the session: for a cookie sent other than through `call`. */
  signIn(login: string): Promise<{ cookie: string; csrf: string }>;
  /** An API token of `login` for these repositories, as POST /api/v1/tokens would make it. */
  tokenFor(login: string, repositories: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * envbot's HTTP server with the control plane (as src/composition/start-process.ts builds it) on 127.0.0.1, over a
 * SQLite store a test fills directly. GitHub is the test's FakeGitHub (nock).
 */
export async function startControlPlaneServer(
  options: { signIn?: SignInSettings; store?: Store; queue?: Pick<JobQueue, "enqueue">; probot?: Probot; now?: () => Date; streamReauthorizeMs?: number } = {},
): Promise<ControlPlaneServer> {
  const now = options.now ?? (() => new Date());
  const store = options.store ?? openSqliteStore({ file: ":memory:" });
  const probot = options.probot ?? (await createTestProbot(() => undefined, { logLevel: "fatal" }));
  // Jobs a test does not run are kept here, as data.
  const queued: QueuedJob[] = [];
  const queue = options.queue ?? { enqueue: async (job: QueuedJob) => (queued.push(job), true) };
  const handlers = controlPlaneHandlers({ probot, store, queue, appSettings: { sessionSecret: TEST_SESSION_SECRET, signIn: options.signIn }, now, streamReauthorizeMs: options.streamReauthorizeMs });
  // Sessions made by sessionFor, until the store has them.
  const sessionsWritten: Promise<void>[] = [];
  const makeSession = (login: string) => {
    const { session, cookie, record } = newSessionWithRecord(login, TEST_SESSION_SECRET, now());
    return { credentials: { cookie, csrf: session.csrf }, written: store.createSession(record) };
  };
  const server: Server = createHttpServer({ probot, webhookSecret: TEST_WEBHOOK_SECRET, store, handlers });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const violations: string[] = [];
  return {
    queued,
    origin,
    store,
    probot,
    violations,
    async call(method, path, { as, body, headers = {} } = {}) {
      await Promise.all(sessionsWritten);
      const sent: Record<string, string> = { ...headers };
      if (as && "token" in as) sent.authorization = `Bearer ${as.token}`;
      if (as && "session" in as) {
        sent.cookie = `${SESSION_COOKIE}=${as.session.cookie}`;
        if (method !== "GET" && as.csrf !== false) sent["x-csrf-token"] = as.session.csrf;
      }
      if (body !== undefined && sent["content-type"] === undefined) sent["content-type"] = "application/json";
      const response = await fetch(`${origin}${path}`, { method, headers: sent, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body), redirect: "manual" });
      const contentType = response.headers.get("content-type") ?? "";
      const text = await response.text();
      const parsed: unknown = contentType.includes("json") && text !== "" ? JSON.parse(text) : text;
      violations.push(...checkApiResponse({ method, path: path.split("?")[0]!, status: response.status, contentType, body: parsed === "" ? undefined : parsed }));
      return { status: response.status, headers: response.headers, body: parsed };
    },
    sessionFor(login) {
      const { credentials, written } = makeSession(login);
      sessionsWritten.push(written);
      return credentials;
    },
    async signIn(login) {
      const { credentials, written } = makeSession(login);
      await written;
      return credentials;
    },
    async tokenFor(login, repositories) {
      const { token, hash } = newApiToken();
      await store.createApiToken({ hash, name: "test", login, repositories });
      return token;
    },
    async close() {
      await Promise.all(sessionsWritten);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      // A store the test gave stays open: it is the test's (an app harness closes its own).
      if (!options.store) await store.close();
    },
  };
}
