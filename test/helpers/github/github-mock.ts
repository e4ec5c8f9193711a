import nock from "nock";
import { repositorySnapshots } from "../../../src/adapters/github/repository-snapshots.js";
import { githubRequestBudget } from "../../../src/adapters/github/request-budget.js";
import { checkGitHubRequest } from "./openapi-request-checker.js";

export const GITHUB_API = "https://api.github.com";

/** A request the app sent to api.github.com; `body` is parsed JSON when it was JSON. */
export interface RecordedGitHubRequest {
  method: string;
  path: string;
  body: unknown;
  matched: boolean;
}

// Module state is per test file: jest gives every test file its own module registry.
const recorded: RecordedGitHubRequest[] = [];
const unmatched: string[] = [];

/**
 * A nock scope for GitHub's API whose requests are recorded and checked against GitHub's OpenAPI
 * description. Mock GitHub only through this: a bare `nock(GITHUB_API)` scope is not recorded.
 */
export function githubApi(server: GitHubServer = GITHUB_COM): nock.Scope {
  const scope = nock(server.origin);
  scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    // Recorded as api.github.com paths, so GitHub Enterprise Server requests are checked alike.
    const path = req.path.startsWith(server.pathPrefix) ? req.path.slice(server.pathPrefix.length) : req.path;
    recorded.push({ method: req.method, path, body: parseBody(body), matched: true });
  });
  return scope;
}

/** Where the API lives: api.github.com, or a GitHub Enterprise Server's https://HOST/api/v3. */
export interface GitHubServer {
  origin: string;
  pathPrefix: string;
}

export const GITHUB_COM: GitHubServer = { origin: GITHUB_API, pathPrefix: "" };

export function enterpriseServer(host: string): GitHubServer {
  return { origin: `https://${host}`, pathPrefix: "/api/v3" };
}

/** Probot's first API call of an instance (one instance caches the token for an hour). */
export function mockInstallationToken(scope: nock.Scope, installationId: number, pathPrefix = ""): nock.Scope {
  return scope.post(`${pathPrefix}/app/installations/${installationId}/access_tokens`).reply(201, {
    token: `ghs_test_token_for_installation_${installationId}`,
    expires_at: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
    permissions: {},
    repository_selection: "all",
  });
}

/** Every request the app sent to api.github.com since `before()`, matched by a mock or not. */
export function recordedGitHubRequests(): readonly RecordedGitHubRequest[] {
  return recorded;
}

/**
 * Network off (except 127.0.0.1, where tests post webhooks to a local server) and GitHub checked:
 *
 *   const github = setupGitHubMock();
 *   beforeEach(github.before);
 *   afterEach(github.after);
 *
 * `after()` always cleans up, then throws one Error listing OpenAPI violations, unused mocks and
 * requests no mock matched. A test may call it itself to assert that failure; the afterEach call
 * that follows then finds nothing left and passes.
 */
export function setupGitHubMock(): { before(): void; after(): void } {
  return {
    before() {
      reset();
      // The fake's commit ids repeat across tests with other files: nothing read before may count.
      repositorySnapshots.clear();
      githubRequestBudget.clear();
      nock.disableNetConnect();
      nock.enableNetConnect((host: string) => /^127\.0\.0\.1(:\d+)?$/.test(host));
      nock.emitter.on("no match", onNoMatch);
    },
    after() {
      const violations = recorded.flatMap((r) => checkGitHubRequest({ method: r.method, url: r.path, body: r.body }));
      const pending = nock.pendingMocks();
      const problems = [
        ...section("requests GitHub's OpenAPI description rejects", violations),
        ...section("mocks the app never called", pending),
        ...section("requests no mock matched", unmatched),
      ];
      reset();
      // Other test files of this jest worker share Node's http module, which nock patched.
      nock.enableNetConnect();
      if (problems.length > 0) throw new Error(`GitHub mock:\n${problems.join("\n")}`);
    },
  };
}

function reset(): void {
  nock.emitter.removeListener("no match", onNoMatch);
  nock.abortPendingRequests();
  nock.cleanAll();
  recorded.length = 0;
  unmatched.length = 0;
}

interface RequestOptions {
  method?: string;
  hostname?: string;
  host?: string;
  path?: string;
}

// nock emits (options) when no scope exists for the host, (req, options, body) when scopes exist
// but none matches, and (req) for allowUnmocked scopes (which we never create).
function onNoMatch(first: RequestOptions, options?: RequestOptions, body?: string): void {
  const request = options ?? first;
  const host = (request.hostname ?? request.host ?? "").replace(/:\d+$/, "");
  if (host === "127.0.0.1") return;
  const method = (request.method ?? "GET").toUpperCase();
  const path = request.path ?? "/";
  unmatched.push(`${method} https://${host}${path}${body ? ` ${body}` : ""}`);
  if (host === "api.github.com") recorded.push({ method, path, body: parseBody(body), matched: false });
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined || body === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : [`${title}:`, ...lines.map((line) => `  ${line}`)];
}
