import nock from "nock";
import { GITHUB_COM, githubApi, mockInstallationToken, type GitHubServer } from "./github-mock.js";

/**
 * A small, stateful stand-in for one GitHub repository behind nock: commits (file trees), pull
 * requests and their changed files, permissions, and what the app writes (check runs, comments,
 * reactions, deployments), so a test can drive a whole story and then look at the result.
 * Every request still passes the OpenAPI check of github-mock.ts.
 */
export interface FakeComment {
  id: number;
  issue_number: number;
  body: string;
  user: { login: string; type: "Bot" | "User" };
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] };
  annotations: Record<string, unknown>[];
}

export interface FakePullRequest {
  number: number;
  headSha: string;
  baseSha: string;
  author: string;
  headRepository?: string;
  files: { filename: string; status: string; previous_filename?: string }[];
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
  readonly commits = new Map<string, Map<string, string>>();
  readonly pullRequests = new Map<number, FakePullRequest>();
  readonly permissions = new Map<string, string>();
  readonly comments: FakeComment[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly deployments: { id: number; ref: string; environment: string; statuses: { state: string; environment_url?: string }[] }[] = [];
  readonly reactions: { commentId: number; content: string }[] = [];
  private nextId = 1000;
  private scope: nock.Scope | undefined;
  private readonly server: GitHubServer;

  constructor(options: { owner?: string; repo?: string; installationId?: number; server?: GitHubServer } = {}) {
    this.server = options.server ?? GITHUB_COM;
    this.owner = options.owner ?? "acme";
    this.repo = options.repo ?? "environments";
    this.installationId = options.installationId ?? 4242;
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  commit(sha: string, files: Record<string, string>): void {
    this.commits.set(sha, new Map(Object.entries(files)));
  }

  filesOf(sha: string): Record<string, string> {
    return Object.fromEntries(this.commits.get(sha) ?? []);
  }

  botComments(issueNumber: number): FakeComment[] {
    return this.comments.filter((c) => c.issue_number === issueNumber && c.user.type === "Bot");
  }

  checks(name: string | RegExp): FakeCheckRun[] {
    return this.checkRuns.filter((c) => (typeof name === "string" ? c.name === name : name.test(c.name)));
  }

  /** Installs the interceptors; call `uninstall()` before the mock's after-step. */
  install(): void {
    const base = `${this.server.pathPrefix}/repos/${this.owner}/${this.repo}`;
    const scope = githubApi(this.server);
    this.scope = scope;
    mockInstallationToken(scope, this.installationId, this.server.pathPrefix).persist();
    scope.persist();

    scope.get(new RegExp(`^${base}/contents/([^?]*)(\\?.*)?$`)).reply((uri) => {
      const url = new URL(uri, this.server.origin);
      const path = decodeURIComponent(url.pathname.slice(`${base}/contents/`.length)).replace(/\/$/, "");
      const tree = this.commits.get(url.searchParams.get("ref") ?? "main");
      if (!tree) return [404, { message: "No commit found for the ref" }];
      const file = tree.get(path);
      if (file !== undefined) {
        const bytes = Buffer.from(file, "utf8");
        return [200, { type: "file", name: path.split("/").pop(), path, size: bytes.length, encoding: "base64", content: bytes.toString("base64"), sha: "0".repeat(40) }];
      }
      const prefix = path === "" ? "" : `${path}/`;
      const names = new Set([...tree.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split("/")[0]!));
      if (names.size === 0) return [404, { message: "Not Found" }];
      return [200, [...names].sort().map((name) => ({ type: tree.has(`${prefix}${name}`) ? "file" : "dir", name, path: `${prefix}${name}` }))];
    });

    scope.get(new RegExp(`^${base}/pulls/(\\d+)/files(\\?.*)?$`)).reply((uri) => {
      const number = Number(/pulls\/(\d+)/.exec(uri)![1]);
      return [200, this.pullRequests.get(number)?.files ?? []];
    });

    scope.get(new RegExp(`^${base}/pulls/(\\d+)$`)).reply((uri) => {
      const pr = this.pullRequests.get(Number(/pulls\/(\d+)/.exec(uri)![1]));
      return pr ? [200, this.pullRequestPayload(pr)] : [404, { message: "Not Found" }];
    });

    scope.get(new RegExp(`^${base}/collaborators/([^/]+)/permission$`)).reply((uri) => {
      const login = decodeURIComponent(/collaborators\/([^/]+)\//.exec(uri)![1]!);
      const permission = this.permissions.get(login) ?? "none";
      return [200, { permission: permission === "maintain" ? "write" : permission, role_name: permission, user: { login } }];
    });

    scope.post(`${base}/check-runs`).reply((_uri, body) => {
      const b = body as Record<string, unknown> & { output?: { annotations?: Record<string, unknown>[] } };
      const run: FakeCheckRun = {
        id: this.nextId++,
        name: String(b.name),
        head_sha: String(b.head_sha),
        status: String(b.status ?? "queued"),
        conclusion: b.conclusion as string | undefined,
        output: b.output,
        annotations: [...(b.output?.annotations ?? [])],
      };
      this.checkRuns.push(run);
      return [201, { id: run.id, name: run.name, head_sha: run.head_sha, status: run.status }];
    });

    scope.patch(new RegExp(`^${base}/check-runs/(\\d+)$`)).reply((uri, body) => {
      const run = this.checkRuns.find((c) => c.id === Number(/check-runs\/(\d+)/.exec(uri)![1]));
      if (!run) return [404, { message: "Not Found" }];
      const b = body as Record<string, unknown> & { output?: { annotations?: Record<string, unknown>[] } };
      if (b.status) run.status = String(b.status);
      if (b.conclusion) run.conclusion = String(b.conclusion);
      if (b.output) {
        run.output = { ...run.output, ...b.output };
        run.annotations.push(...(b.output.annotations ?? []));
      }
      return [200, { id: run.id, name: run.name, status: run.status }];
    });

    scope.get(new RegExp(`^${base}/issues/(\\d+)/comments(\\?.*)?$`)).reply((uri) => {
      const number = Number(/issues\/(\d+)\//.exec(uri)![1]);
      return [200, this.comments.filter((c) => c.issue_number === number)];
    });

    scope.post(new RegExp(`^${base}/issues/(\\d+)/comments$`)).reply((uri, body) => {
      const comment: FakeComment = {
        id: this.nextId++,
        issue_number: Number(/issues\/(\d+)\//.exec(uri)![1]),
        body: String((body as { body: string }).body),
        user: { login: "envbot[bot]", type: "Bot" },
      };
      this.comments.push(comment);
      return [201, comment];
    });

    scope.patch(new RegExp(`^${base}/issues/comments/(\\d+)$`)).reply((uri, body) => {
      const comment = this.comments.find((c) => c.id === Number(/comments\/(\d+)/.exec(uri)![1]));
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = String((body as { body: string }).body);
      return [200, comment];
    });

    scope.delete(new RegExp(`^${base}/issues/comments/(\\d+)$`)).reply((uri) => {
      const index = this.comments.findIndex((c) => c.id === Number(/comments\/(\d+)/.exec(uri)![1]));
      if (index === -1) return [404, { message: "Not Found" }];
      this.comments.splice(index, 1);
      return [204, ""];
    });

    scope.post(new RegExp(`^${base}/issues/comments/(\\d+)/reactions$`)).reply((uri, body) => {
      this.reactions.push({ commentId: Number(/comments\/(\d+)/.exec(uri)![1]), content: String((body as { content: string }).content) });
      return [201, { id: this.nextId++, content: (body as { content: string }).content }];
    });

    scope.post(`${base}/deployments`).reply((_uri, body) => {
      const b = body as { ref: string; environment: string };
      const deployment = { id: this.nextId++, ref: b.ref, environment: b.environment, statuses: [] };
      this.deployments.push(deployment);
      return [201, { id: deployment.id, ref: b.ref, environment: b.environment }];
    });

    scope.post(new RegExp(`^${base}/deployments/(\\d+)/statuses$`)).reply((uri, body) => {
      const deployment = this.deployments.find((d) => d.id === Number(/deployments\/(\d+)/.exec(uri)![1]));
      if (!deployment) return [404, { message: "Not Found" }];
      const b = body as { state: string; environment_url?: string };
      deployment.statuses.push({ state: b.state, ...(b.environment_url ? { environment_url: b.environment_url } : {}) });
      return [201, { id: this.nextId++, state: b.state }];
    });
  }

  /** Removes the interceptors, so persisted ones are not reported as unused. */
  uninstall(): void {
    nock.cleanAll();
    this.scope = undefined;
  }

  private pullRequestPayload(pr: FakePullRequest) {
    const repository = { full_name: this.fullName, default_branch: "main", name: this.repo, owner: { login: this.owner } };
    return {
      number: pr.number,
      state: "open",
      user: { login: pr.author },
      head: { sha: pr.headSha, ref: `feature-${pr.number}`, repo: { ...repository, full_name: pr.headRepository ?? this.fullName } },
      base: { sha: pr.baseSha, ref: "main", repo: repository },
    };
  }
}
