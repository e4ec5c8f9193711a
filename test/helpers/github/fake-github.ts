import { createHash } from "node:crypto";
import nock from "nock";
import { gitBlobId } from "../../../src/adapters/github/repository-snapshots.js";
import { GITHUB_COM, githubApi, mockInstallationToken, type GitHubServer } from "./github-mock.js";
import { gzippedTar } from "./gzipped-tar.js";

/** GitHub's archive host, where the API's tarball redirect leads. */
const CODELOAD = "https://codeload.github.com";

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
  /** Open unless said otherwise; `merged` only with "closed". */
  state?: "open" | "closed";
  merged?: boolean;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  user: { login: string; type: "Bot" | "User" };
}

/** A pull request the app opened (POST /pulls), as opposed to the scripted `pullRequests`. */
export interface FakeCreatedPullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
}

/** Git's blob id of a file, as the contents API reports it and expects it back on a delete. */
export function blobSha(content: string): string {
  return gitBlobId(Buffer.from(content, "utf8"));
}

export interface FakeHookDelivery {
  id: number;
  guid: string;
  event: string;
  action?: string;
  statusCode: number;
  redelivery: boolean;
  deliveredAt: Date;
  /** What was delivered, for a redelivery to send again. */
  payload?: unknown;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
  readonly commits = new Map<string, Map<string, string>>();
  readonly pullRequests = new Map<number, FakePullRequest>();
  readonly permissions = new Map<string, string>();
  /** Reviews per pull request, oldest first (GET /repos/{owner}/{repo}/pulls/{number}/reviews). */
  readonly reviews = new Map<number, { login: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED"; commit?: string }[]>();
  /**
   * A commit's parents, first parent first (GET /repos/{owner}/{repo}/git/commits/{sha}). A
   * commit without an entry has the default branch as the fake holds it ("main") as its parent.
   */
  readonly parents = new Map<string, string[]>();
  /** Teams of the repository's organization: slug -> members' logins (GET /orgs/{org}/teams/{slug}/memberships/{username}). */
  readonly teams = new Map<string, Set<string>>();
  readonly comments: FakeComment[] = [];
  /** Every body each comment had, by comment id, oldest first: what a reader saw in turn. */
  readonly commentRevisions = new Map<number, string[]>();
  /** Called with each comment as it is created (a benchmark times the first). */
  readonly onCommentCreated: ((comment: FakeComment) => void)[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly deployments: { id: number; ref: string; environment: string; statuses: { state: string; environment_url?: string }[] }[] = [];
  readonly reactions: { commentId: number; content: string }[] = [];
  readonly issues: FakeIssue[] = [];
  readonly createdPullRequests: FakeCreatedPullRequest[] = [];
  /**
   * GitHub's log of the App's webhook deliveries (GET /app/hook/deliveries), newest last; a test
   * adds what it delivered with logDelivery.
   */
  readonly hookDeliveries: FakeHookDelivery[] = [];
  /** Called when the app asks for a delivery again (POST /app/hook/deliveries/{id}/attempts). */
  onRedelivery: (delivery: FakeHookDelivery) => void = () => undefined;
  /** Head commit of a branch when it is not its own name (branches created or written by the app). */
  readonly branchHeads = new Map<string, string>();
  /** A public repository: everyone may read it, collaborator or not. */
  public = false;
  /** Conditional requests answered 304 Not Modified: GitHub does not count them against the budget. */
  notModified = 0;
  /** The installation's budget as GitHub's x-ratelimit-* headers report it; each request spends one, a 304 none. */
  readonly rateLimit = { limit: 5000, remaining: 5000, resetAt: new Date(Date.now() + 3600_000) };
  /** Archives served by the archive host (codeload), after the API's redirect. */
  archivesServed = 0;
  /** GitHub cuts a recursive tree short past 100,000 entries (7 MB): answer `truncated: true` with what fits. */
  truncateTrees = false;
  /** Files the archive holds otherwise than the commit (export-subst, LFS pointers): path -> content. */
  readonly archiveDifferences = new Map<string, string>();
  /** Commits whose files envbot has read: their content may not change any more. */
  private readonly served = new Set<string>();
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
    // A commit id names its content for good once envbot has read it (it keeps trees by id); a
    // branch name may move, and a test may still change a commit nobody has read.
    const earlier = this.served.has(sha) ? this.commits.get(sha) : undefined;
    if (earlier && JSON.stringify([...earlier].sort()) !== JSON.stringify(Object.entries(files).sort())) {
      throw new Error(`FakeGitHub: commit ${sha} already holds other files; a commit's content never changes, give the new one its own id`);
    }
    this.commits.set(sha, new Map(Object.entries(files)));
  }

  filesOf(sha: string): Record<string, string> {
    return Object.fromEntries(this.commits.get(sha) ?? []);
  }

  botComments(issueNumber: number): FakeComment[] {
    return this.comments.filter((c) => c.issue_number === issueNumber && c.user.type === "Bot");
  }

  /** Adds an issue as if someone (by default envbot) had opened it; returns it. */
  addIssue(issue: Partial<FakeIssue> & { title: string }): FakeIssue {
    const added: FakeIssue = { number: this.nextNumber(), body: "", state: "open", state_reason: null, labels: [], user: { login: "envbot[bot]", type: "Bot" }, ...issue };
    this.issues.push(added);
    return added;
  }

  issue(number: number): FakeIssue | undefined {
    return this.issues.find((i) => i.number === number);
  }

  openIssues(label?: string): FakeIssue[] {
    return this.issues.filter((i) => i.state === "open" && (label === undefined || i.labels.includes(label)));
  }

  /**
   * The commit a branch points at. A tree stored under the branch's name (`commit("main", ...)`)
   * gets a stable id derived from its files, registered as a commit of its own.
   */
  headOf(branch: string): string | undefined {
    const known = this.branchHeads.get(branch);
    if (known) return known;
    const tree = this.commits.get(branch);
    if (!tree) return undefined;
    const id = createHash("sha1").update(`tree ${branch}\0${JSON.stringify([...tree].sort())}`).digest("hex");
    if (!this.commits.has(id)) this.commits.set(id, new Map(tree));
    return id;
  }

  checks(name: string | RegExp): FakeCheckRun[] {
    return this.checkRuns.filter((c) => (typeof name === "string" ? c.name === name : name.test(c.name)));
  }

  /** Records one attempt of a webhook delivery, as GitHub's delivery log shows it. */
  logDelivery(delivery: { guid: string; event: string; action?: string; statusCode: number; redelivery?: boolean; payload?: unknown }): FakeHookDelivery {
    const entry: FakeHookDelivery = { id: this.nextId++, deliveredAt: new Date(), redelivery: false, ...delivery };
    this.hookDeliveries.push(entry);
    return entry;
  }

  /** Installs the interceptors; call `uninstall()` before the mock's after-step. */
  install(): void {
    const base = `${this.server.pathPrefix}/repos/${this.owner}/${this.repo}`;
    const scope = githubApi(this.server);
    this.scope = scope;
    // GitHub's owner and repository names are case-insensitive: Octo-Org/Alpha reaches octo-org/alpha.
    const spelled = new RegExp(`^${escapeRegExp(this.server.pathPrefix)}/(repos|orgs)/${escapeRegExp(this.owner)}(/${escapeRegExp(this.repo)})?(?=/|\\?|$)`, "i");
    scope.filteringPath((path) => path.replace(spelled, (_all, kind: string, repo?: string) => `${this.server.pathPrefix}/${kind}/${this.owner}${repo === undefined ? "" : `/${this.repo}`}`));
    scope.defaultReplyHeaders({
      "x-ratelimit-limit": () => String(this.rateLimit.limit),
      "x-ratelimit-remaining": () => String(Math.max(0, this.rateLimit.remaining)),
      "x-ratelimit-reset": () => String(Math.floor(this.rateLimit.resetAt.getTime() / 1000)),
      "x-ratelimit-resource": "core",
    });
    scope.on("request", () => void this.rateLimit.remaining--);
    mockInstallationToken(scope, this.installationId, this.server.pathPrefix).persist();
    scope.persist();

    const app = `${this.server.pathPrefix}/app/hook/deliveries`;
    scope.get(new RegExp(`^${app}(\\?.*)?$`)).reply(() => [
      200,
      [...this.hookDeliveries].reverse().map((d) => ({
        id: d.id,
        guid: d.guid,
        delivered_at: d.deliveredAt.toISOString(),
        redelivery: d.redelivery,
        duration: 0.05,
        status: d.statusCode >= 200 && d.statusCode < 300 ? "OK" : `Invalid HTTP Response: ${d.statusCode}`,
        status_code: d.statusCode,
        event: d.event,
        action: d.action ?? null,
        installation_id: this.installationId,
        repository_id: 1,
      })),
    ]);
    scope.post(new RegExp(`^${app}/(\\d+)/attempts$`)).reply((uri) => {
      const delivery = this.hookDeliveries.find((d) => d.id === Number(/deliveries\/(\d+)\/attempts/.exec(uri)![1]));
      if (!delivery) return [404, { message: "Not Found" }];
      this.onRedelivery(delivery);
      return [202, {}];
    });

    scope.get(new RegExp(`^${base}/contents/([^?]*)(\\?.*)?$`)).reply((uri) => {
      const url = new URL(uri, this.server.origin);
      const path = decodeURIComponent(url.pathname.slice(`${base}/contents/`.length)).replace(/\/$/, "");
      const ref = url.searchParams.get("ref") ?? "main";
      const tree = this.commits.get(ref);
      if (!tree) return [404, { message: "No commit found for the ref" }];
      this.served.add(ref);
      const file = tree.get(path);
      if (file !== undefined) {
        const bytes = Buffer.from(file, "utf8");
        return [200, { type: "file", name: path.split("/").pop(), path, size: bytes.length, encoding: "base64", content: bytes.toString("base64"), sha: blobSha(file) }];
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

    scope.get(new RegExp(`^${base}/pulls/(\\d+)/reviews(\\?.*)?$`)).reply((uri) => {
      const number = Number(/pulls\/(\d+)/.exec(uri)![1]);
      return [200, (this.reviews.get(number) ?? []).map((review, i) => ({ id: 7000 + i, node_id: `R${i}`, user: { login: review.login, id: 1, type: "User" }, body: "", state: review.state, html_url: `https://github.com/${this.fullName}/pull/${number}#pullrequestreview-${7000 + i}`, pull_request_url: `https://api.github.com/repos/${this.fullName}/pulls/${number}`, author_association: "MEMBER", _links: {}, submitted_at: new Date().toISOString(), commit_id: review.commit ?? this.pullRequests.get(number)?.headSha ?? "0".repeat(40) }))];
    });

    scope.get(new RegExp(`^${base}/git/commits/([0-9a-zA-Z._-]+)$`)).reply((uri) => {
      const sha = /git\/commits\/([^/?]+)/.exec(uri)![1]!;
      const parents = (this.parents.get(sha) ?? [this.branchHeads.get("main") ?? "main"]).map((parent) => ({ sha: parent, url: `https://api.github.com/repos/${this.fullName}/git/commits/${parent}`, html_url: `https://github.com/${this.fullName}/commit/${parent}` }));
      return [200, { sha, node_id: `C_${sha}`, url: `https://api.github.com/repos/${this.fullName}/git/commits/${sha}`, html_url: `https://github.com/${this.fullName}/commit/${sha}`, author: { name: "someone", email: "someone@example.com", date: "2026-12-01T00:00:00Z" }, committer: { name: "GitHub", email: "noreply@github.com", date: "2026-12-01T00:00:00Z" }, message: "Merge", tree: { sha: "0".repeat(40), url: "" }, parents, verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null } }];
    });

    scope.get(new RegExp(`^${base}/pulls/(\\d+)$`)).reply((uri) => {
      const pr = this.pullRequests.get(Number(/pulls\/(\d+)/.exec(uri)![1]));
      return pr ? [200, this.pullRequestPayload(pr)] : [404, { message: "Not Found" }];
    });

    scope.get(`${this.server.pathPrefix}/orgs/${this.owner}/installation`).reply(200, () => ({ id: this.installationId, account: { login: this.owner, id: 1, type: "Organization" }, app_id: 123456, target_type: "Organization", permissions: {}, events: [] }));
    scope.get(new RegExp(`^${this.server.pathPrefix}/orgs/${this.owner}/teams/([^/]+)/memberships/([^/]+)$`)).reply((uri) => {
      const [, team, login] = /teams\/([^/]+)\/memberships\/([^/]+)$/.exec(uri)!;
      const members = this.teams.get(decodeURIComponent(team!));
      if (!members?.has(decodeURIComponent(login!))) return [404, { message: "Not Found" }];
      return [200, { url: `https://api.github.com/orgs/${this.owner}/teams/${team}/memberships/${login}`, role: "member", state: "active" }];
    });

    scope.get(base).reply(200, () => ({
      id: 1,
      name: this.repo,
      full_name: this.fullName,
      owner: { login: this.owner, id: 1, type: "Organization" },
      private: !this.public,
      default_branch: "main",
      html_url: `https://github.com/${this.fullName}`,
    }));

    // The App's installation on the repository (asked with the App's own JWT).
    scope.get(`${base}/installation`).reply(200, () => ({
      id: this.installationId,
      account: { login: this.owner, id: 1, type: "Organization" },
      repository_selection: "all",
      app_id: 123456,
      target_type: "Organization",
      permissions: {},
      events: [],
    }));

    // Everyone with access, with their role (what `permissions` holds), a page at a time.
    scope.get(new RegExp(`^${base}/collaborators(\\?.*)?$`)).reply((uri) => {
      const url = new URL(uri, this.server.origin);
      const everyone = [...this.permissions].filter(([, permission]) => permission !== "none");
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
      const page = Number(url.searchParams.get("page") ?? 1);
      const items = everyone.slice((page - 1) * perPage, page * perPage).map(([login, role], i) => ({
        login,
        id: 5000 + i,
        type: "User",
        site_admin: false,
        role_name: role,
        permissions: { admin: role === "admin", maintain: ["admin", "maintain"].includes(role), push: ["admin", "maintain", "write"].includes(role), triage: role !== "read", pull: true },
      }));
      if (page * perPage >= everyone.length) return [200, items];
      url.searchParams.set("page", String(page + 1));
      return [200, items, { link: `<${url.toString()}>; rel="next"` }];
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

    // A commit's check runs, newest first (filter=latest: the newest of each name).
    scope.get(new RegExp(`^${base}/commits/([^/]+)/check-runs(\\?.*)?$`)).reply((uri) => {
      const url = new URL(uri, this.server.origin);
      const ref = decodeURIComponent(/commits\/([^/]+)\//.exec(url.pathname)![1]!);
      const name = url.searchParams.get("check_name");
      const runs = this.checkRuns.filter((c) => c.head_sha === ref && (name === null || c.name === name)).reverse();
      const latest = url.searchParams.get("filter") !== "all" ? runs.filter((c, i) => runs.findIndex((o) => o.name === c.name) === i) : runs;
      const page = latest.slice(0, Number(url.searchParams.get("per_page") ?? 30));
      return [200, { total_count: latest.length, check_runs: page.map((c) => ({ id: c.id, name: c.name, head_sha: c.head_sha, status: c.status, conclusion: c.conclusion ?? null })) }];
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
      this.commentRevisions.set(comment.id, [comment.body]);
      for (const listener of this.onCommentCreated) listener(comment);
      return [201, comment];
    });

    scope.patch(new RegExp(`^${base}/issues/comments/(\\d+)$`)).reply((uri, body) => {
      const comment = this.comments.find((c) => c.id === Number(/comments\/(\d+)/.exec(uri)![1]));
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = String((body as { body: string }).body);
      this.commentRevisions.get(comment.id)?.push(comment.body);
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

    scope.get(new RegExp(`^${base}/deployments(\\?.*)?$`)).reply((uri) => {
      const params = new URL(uri, this.server.origin).searchParams;
      const [environment, ref] = [params.get("environment"), params.get("sha")];
      const matching = this.deployments.filter((d) => (environment === null || d.environment === environment) && (ref === null || d.ref === ref));
      return [200, [...matching].reverse().map((d) => ({ id: d.id, ref: d.ref, environment: d.environment }))];
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

    this.installIssues(scope, base);
    this.installGit(scope, base);
  }

  /** Issues: create, get, list (state, labels, pages with a Link header), update. */
  private installIssues(scope: nock.Scope, base: string): void {
    scope.post(`${base}/issues`).reply((_uri, body) => {
      const b = body as { title: string; body?: string; labels?: (string | { name: string })[] };
      const issue = this.addIssue({ title: String(b.title), body: b.body ?? "", labels: (b.labels ?? []).map((l) => (typeof l === "string" ? l : l.name)) });
      return [201, this.issuePayload(issue)];
    });

    scope.get(new RegExp(`^${base}/issues(\\?.*)?$`)).reply((uri) => {
      const url = new URL(uri, this.server.origin);
      const state = url.searchParams.get("state") ?? "open";
      const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const matching = this.issues
        .filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number); // GitHub's default: newest first
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
      const page = Number(url.searchParams.get("page") ?? 1);
      const items = matching.slice((page - 1) * perPage, page * perPage).map((i) => this.issuePayload(i));
      if (page * perPage >= matching.length) return [200, items];
      url.searchParams.set("page", String(page + 1));
      return [200, items, { link: `<${url.toString()}>; rel="next"` }];
    });

    scope.get(new RegExp(`^${base}/issues/(\\d+)$`)).reply((uri) => {
      const issue = this.issue(Number(/issues\/(\d+)/.exec(uri)![1]));
      return issue ? [200, this.issuePayload(issue)] : [404, { message: "Not Found" }];
    });

    scope.patch(new RegExp(`^${base}/issues/(\\d+)$`)).reply((uri, body) => {
      const issue = this.issue(Number(/issues\/(\d+)/.exec(uri)![1]));
      if (!issue) return [404, { message: "Not Found" }];
      const b = body as { title?: string; body?: string; state?: "open" | "closed"; state_reason?: string | null; labels?: string[] };
      if (b.title !== undefined) issue.title = b.title;
      if (b.body !== undefined) issue.body = b.body;
      if (b.labels !== undefined) issue.labels = b.labels;
      if (b.state !== undefined) {
        issue.state = b.state;
        issue.state_reason = b.state === "closed" ? (b.state_reason ?? "completed") : null;
      }
      return [200, this.issuePayload(issue)];
    });
  }

  /**
   * Branches, file deletes and the pull requests the app opens. A branch is the tree stored under
   * its name (see `commit`); its head commit id comes from `headOf`.
   */
  private installGit(scope: nock.Scope, base: string): void {
    const fake = this;
    // As GitHub does: an ETag on the answer, and 304 (not counted against the budget) when it still holds.
    scope.get(new RegExp(`^${base}/git/ref/(.+)$`)).reply(function (uri) {
      const ref = decodeURIComponent(/git\/ref\/(.+)$/.exec(uri)![1]!);
      const head = ref.startsWith("heads/") ? fake.headOf(ref.slice("heads/".length)) : undefined;
      if (!head) return [404, { message: "Not Found" }];
      const etag = `"${head}"`;
      if (this.req.headers["if-none-match"] === etag) {
        fake.notModified++;
        fake.rateLimit.remaining++;
        return [304, "", { etag }];
      }
      return [200, fake.refPayload(ref, head), { etag }];
    });

    // A commit's whole tree (the fake's commits hold files only; folders are implied by paths).
    scope.get(new RegExp(`^${base}/git/trees/([^/?]+)(\\?.*)?$`)).reply((uri) => {
      const id = decodeURIComponent(/git\/trees\/([^/?]+)/.exec(uri)![1]!);
      const tree = this.commits.get(id);
      if (!tree) return [404, { message: "Not Found" }];
      this.served.add(id);
      const folders = new Set([...tree.keys()].flatMap((path) => path.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))));
      const entries = [
        ...[...folders].map((path) => ({ path, mode: "040000", type: "tree", sha: blobSha(`tree ${path}`), url: "" })),
        ...[...tree].map(([path, content]) => ({ path, mode: "100644", type: "blob", sha: blobSha(content), size: Buffer.byteLength(content), url: "" })),
      ];
      return [200, { sha: "0".repeat(40), url: "", tree: this.truncateTrees ? entries.slice(0, 1) : entries, truncated: this.truncateTrees }];
    });

    scope.get(new RegExp(`^${base}/git/blobs/([0-9a-f]{40})$`)).reply((uri) => {
      const id = /git\/blobs\/([0-9a-f]{40})/.exec(uri)![1]!;
      for (const tree of this.commits.values()) {
        for (const content of tree.values()) {
          if (blobSha(content) === id) return [200, { sha: id, node_id: `B_${id}`, size: Buffer.byteLength(content), url: "", content: Buffer.from(content).toString("base64"), encoding: "base64" }];
        }
      }
      return [404, { message: "Not Found" }];
    });

    // The archive: a redirect to GitHub's archive host, which serves the gzipped tar.
    scope.get(new RegExp(`^${base}/tarball/(.+)$`)).reply((uri) => {
      const ref = decodeURIComponent(/tarball\/(.+)$/.exec(uri)![1]!);
      if (!this.commits.has(ref)) return [404, { message: "Not Found" }];
      return [302, "", { location: `${CODELOAD}/${this.fullName}/legacy.tar.gz/${encodeURIComponent(ref)}` }];
    });
    nock(CODELOAD)
      .persist()
      .get(new RegExp(`^/${this.owner}/${this.repo}/legacy\\.tar\\.gz/(.+)$`))
      .reply((uri) => {
        const ref = decodeURIComponent(/legacy\.tar\.gz\/(.+)$/.exec(uri)![1]!);
        const tree = this.commits.get(ref);
        if (!tree) return [404, "Not Found"];
        this.archivesServed++;
        const files = { ...Object.fromEntries(tree), ...Object.fromEntries(this.archiveDifferences) };
        return [200, gzippedTar(`${this.owner}-${this.repo}-${ref.slice(0, 7)}`, files), { "content-type": "application/x-gzip" }];
      });

    scope.post(`${base}/git/refs`).reply((_uri, body) => {
      const { ref, sha } = body as { ref: string; sha: string };
      const branch = ref.replace(/^refs\/heads\//, "");
      if (!ref.startsWith("refs/heads/") || branch === "") return [422, { message: "Reference name is not valid" }];
      if (this.commits.has(branch) || this.branchHeads.has(branch)) return [422, { message: "Reference already exists" }];
      const tree = this.commits.get(sha);
      if (!tree) return [422, { message: "Object does not exist" }];
      this.commits.set(branch, new Map(tree));
      this.branchHeads.set(branch, sha);
      return [201, this.refPayload(ref.slice("refs/".length), sha)];
    });

    scope.delete(new RegExp(`^${base}/contents/(.+)$`)).reply((uri, body) => {
      const path = decodeURIComponent(new URL(uri, this.server.origin).pathname.slice(`${base}/contents/`.length));
      const b = body as { message: string; sha: string; branch?: string };
      const branch = b.branch ?? "main";
      const tree = this.commits.get(branch);
      const file = tree?.get(path);
      if (!tree || file === undefined) return [404, { message: "Not Found" }];
      if (blobSha(file) !== b.sha) return [409, { message: `${path} does not match ${b.sha}` }];
      const commit = createHash("sha1").update(`${this.headOf(branch)}\0${b.message}`).digest("hex");
      tree.delete(path);
      this.commits.set(commit, new Map(tree));
      this.branchHeads.set(branch, commit);
      return [200, { content: null, commit: { sha: commit, message: b.message } }];
    });

    scope.put(new RegExp(`^${base}/contents/(.+)$`)).reply((uri, body) => {
      const path = decodeURIComponent(new URL(uri, this.server.origin).pathname.slice(`${base}/contents/`.length));
      const b = body as { message: string; content: string; sha?: string; branch?: string };
      const branch = b.branch ?? "main";
      const tree = this.commits.get(branch);
      if (!tree) return [404, { message: "Branch not found" }];
      const existing = tree.get(path);
      if (existing !== undefined && blobSha(existing) !== b.sha) return [409, { message: `${path} does not match ${b.sha ?? "(no sha)"}` }];
      if (existing === undefined && b.sha !== undefined) return [422, { message: "sha given for a new file" }];
      const commit = createHash("sha1").update(`${this.headOf(branch)}\0${b.message}\0${path}`).digest("hex");
      tree.set(path, Buffer.from(b.content, "base64").toString("utf8"));
      this.commits.set(commit, new Map(tree));
      this.branchHeads.set(branch, commit);
      return [existing === undefined ? 201 : 200, { content: { path, sha: blobSha(tree.get(path)!) }, commit: { sha: commit, message: b.message } }];
    });

    scope.post(`${base}/pulls`).reply((_uri, body) => {
      const b = body as { title: string; body?: string; head: string; base: string };
      if (!this.commits.has(b.head)) return [422, { message: "Validation Failed", errors: [{ resource: "PullRequest", field: "head", code: "invalid" }] }];
      const pr: FakeCreatedPullRequest = { number: this.nextNumber(), title: b.title, body: b.body ?? "", head: b.head, base: b.base, state: "open" };
      this.createdPullRequests.push(pr);
      return [201, this.createdPullRequestPayload(pr)];
    });

    scope.patch(new RegExp(`^${base}/pulls/(\\d+)$`)).reply((uri, body) => {
      const pr = this.createdPullRequests.find((p) => p.number === Number(/pulls\/(\d+)$/.exec(uri)![1]));
      if (!pr) return [404, { message: "Not Found" }];
      const b = body as { title?: string; body?: string };
      if (b.title !== undefined) pr.title = b.title;
      if (b.body !== undefined) pr.body = b.body;
      return [200, this.createdPullRequestPayload(pr)];
    });

    scope.get(new RegExp(`^${base}/pulls(\\?.*)?$`)).reply((uri) => {
      const url = new URL(uri, this.server.origin);
      const head = url.searchParams.get("head");
      const state = url.searchParams.get("state") ?? "open";
      const matching = this.createdPullRequests.filter((p) => (state === "all" || p.state === state) && (head === null || `${this.owner}:${p.head}` === head));
      return [200, matching.map((p) => this.createdPullRequestPayload(p))];
    });
  }

  /** Removes the interceptors, so persisted ones are not reported as unused. */
  uninstall(): void {
    nock.cleanAll();
    this.scope = undefined;
  }

  /** Issues and pull requests share one number sequence, as on GitHub. */
  private nextNumber(): number {
    const taken = [...this.pullRequests.keys(), ...this.issues.map((i) => i.number), ...this.createdPullRequests.map((p) => p.number)];
    return Math.max(0, ...taken) + 1;
  }

  private issuePayload(issue: FakeIssue) {
    return { ...issue, labels: issue.labels.map((name) => ({ name })), html_url: `https://github.com/${this.fullName}/issues/${issue.number}` };
  }

  private refPayload(ref: string, sha: string) {
    return { ref: `refs/${ref}`, object: { type: "commit", sha } };
  }

  private createdPullRequestPayload(pr: FakeCreatedPullRequest) {
    return {
      number: pr.number,
      state: pr.state,
      title: pr.title,
      body: pr.body,
      html_url: `https://github.com/${this.fullName}/pull/${pr.number}`,
      head: { ref: pr.head, sha: this.headOf(pr.head), repo: { full_name: this.fullName } },
      base: { ref: pr.base, sha: this.headOf(pr.base) },
    };
  }

  private pullRequestPayload(pr: FakePullRequest) {
    const repository = { full_name: this.fullName, default_branch: "main", name: this.repo, owner: { login: this.owner } };
    return {
      number: pr.number,
      state: pr.state ?? "open",
      merged_at: pr.merged ? "2026-12-01T12:00:00Z" : null,
      user: { login: pr.author },
      head: { sha: pr.headSha, ref: `feature-${pr.number}`, repo: { ...repository, full_name: pr.headRepository ?? this.fullName } },
      base: { sha: pr.baseSha, ref: "main", repo: repository },
    };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
