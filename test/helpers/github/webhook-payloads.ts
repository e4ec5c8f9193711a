import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import type { Probot } from "probot";

// ajv-formats is CommonJS: its default import is the plugin at run time (see src/core/validation/create-ajv.ts).
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

type WebhookEvent = Parameters<Probot["receive"]>[0];
export type PullRequestAction = "opened" | "synchronize" | "reopened" | "closed";
export type PullRequestEvent = Extract<WebhookEvent, { name: "pull_request"; payload: { action: PullRequestAction } }>;
export type IssueCommentEvent = Extract<WebhookEvent, { name: "issue_comment"; payload: { action: "created" } }>;
export type PullRequestReviewEvent = Extract<WebhookEvent, { name: "pull_request_review" }>;
// The examples are untyped JSON; they become typed once the schema has accepted them.
type Json = Record<string, any>;

/** Where built events happen unless a test says otherwise. */
export const DEFAULT_OWNER = "octo-org";
export const DEFAULT_REPO = "environments";
export const DEFAULT_INSTALLATION_ID = 4242;

interface Target {
  owner?: string;
  repo?: string;
  installationId?: number;
  deliveryId?: string;
}

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
let examples: { name: string; examples: Json[] }[] | undefined;
let ajv: Ajv | undefined;
let definitions: Record<string, unknown> | undefined;
const validators = new Map<string, ValidateFunction>();

/** A copy of the first example of `name.action` (no action: events like push have none), preferring one that has `installation`. */
function example(name: string, action: string | undefined, where: (e: Json) => boolean = () => true): Json {
  examples ??= JSON.parse(readFileSync(join(packageDir("@octokit/webhooks-examples"), "api.github.com", "index.json"), "utf8"));
  const candidates = (examples ?? []).find((e) => e.name === name)?.examples.filter((e) => e.action === action && where(e)) ?? [];
  const chosen = candidates.find((e) => e.installation) ?? candidates[0];
  if (!chosen) throw new Error(`@octokit/webhooks-examples has no ${name}.${action} example`);
  return structuredClone(chosen);
}

/**
 * Compiles one definition with all definitions beside it, so only what it reaches is compiled:
 * referring into schema.json itself compiles its root, every event, ~1.6 s. inlineRefs: false
 * cuts the compile of an event from ~350 ms to ~75 ms.
 */
function validator(definition: string): ValidateFunction | undefined {
  if (!ajv || !definitions) {
    ajv = new Ajv({ strict: false, allErrors: true, inlineRefs: false });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(join(packageDir("@octokit/webhooks-schemas"), "schema.json"), "utf8"));
    definitions = schema.definitions as Record<string, unknown>;
  }
  if (!(definition in definitions)) return undefined;
  let validate = validators.get(definition);
  if (!validate) {
    validate = ajv.compile({ $ref: `#/definitions/${definition}`, definitions });
    validators.set(definition, validate);
  }
  return validate;
}

/**
 * Problems of a payload against the `name` event schema of @octokit/webhooks-schemas; [] when valid.
 * The event schema is a oneOf of its actions, so the errors reported are those of the action's branch.
 */
export function validateWebhookPayload(name: string, payload: Json): string[] {
  const action = String(payload.action);
  // Events with actions have NAME_event (a oneOf of NAME$ACTION); events without, like push, NAME$event.
  const event = validator(`${name}_event`) ?? validator(`${name}$event`);
  if (!event) throw new Error(`@octokit/webhooks-schemas has no ${name} event`);
  if (event(payload)) return [];
  const branch = validator(`${name}$${action}`) ?? event;
  branch(payload);
  return (branch.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

/** The payload, once the schema accepted it; throws with the schema's complaints otherwise. */
function validated(name: string, payload: Json): Json {
  const problems = validateWebhookPayload(name, payload);
  if (problems.length > 0) throw new Error(`built ${name}.${payload.action} payload is invalid:\n${problems.join("\n")}`);
  return payload;
}

/**
 * Moves an example to owner/repo and renumbers its issue or pull request: every URL in it names
 * "Codertocat/Hello-World" and the example's number, so this is done on the JSON text.
 */
function retarget(payload: Json, owner: string, repo: string, from: number, to: number): Json {
  const text = JSON.stringify(payload)
    .replaceAll("Codertocat/Hello-World", `${owner}/${repo}`)
    .replace(new RegExp(`/(pulls|pull|issues)/${from}(?=["/#.])`, "g"), `/$1/${to}`);
  const moved = JSON.parse(text) as Json;
  moved.repository.name = repo;
  moved.repository.owner = user(moved.repository.owner, owner);
  return moved;
}

/** A user shaped like `template` (URLs included) for `login`, with a stable id of its own. */
function user(template: Json, login: string): Json {
  const copy = JSON.parse(JSON.stringify(template).replaceAll(`/${String(template.login)}`, `/${login}`)) as Json;
  const id = parseInt(createHash("sha256").update(login).digest("hex").slice(0, 7), 16);
  return { ...copy, login, id, node_id: Buffer.from(`04:User${id}`).toString("base64") };
}

function installation(id: number): Json {
  return { id, node_id: Buffer.from(`Installation${id}`).toString("base64") };
}

export interface PullRequestOptions extends Target {
  action: PullRequestAction;
  number: number;
  headSha: string;
  baseSha: string;
  headRef?: string;
  /** The branch merged into; the repository's default branch unless given. */
  baseRef?: string;
  defaultBranch?: string;
  /** Only with action "closed". */
  merged?: boolean;
  mergeCommitSha?: string;
  /** The head branch lives in the author's fork of the repository. */
  fork?: boolean;
  author?: string;
}

/** A `pull_request` delivery for probot.receive(), valid against GitHub's webhook schema. */
export function pullRequestEvent(options: PullRequestOptions): PullRequestEvent {
  const { action, number, owner = DEFAULT_OWNER, repo = DEFAULT_REPO, author = "octocat" } = options;
  const base = example("pull_request", action);
  const payload = retarget(base, owner, repo, base.number as number, number);
  const pr = payload.pull_request;
  const defaultBranch = options.defaultBranch ?? "main";
  const baseRef = options.baseRef ?? defaultBranch;
  payload.number = pr.number = number;
  payload.repository.default_branch = defaultBranch;
  payload.installation = installation(options.installationId ?? DEFAULT_INSTALLATION_ID);
  pr.user = user(payload.sender, author);
  payload.sender = structuredClone(pr.user);

  const repository = payload.repository;
  pr.base = { ...pr.base, ref: baseRef, sha: options.baseSha, label: `${owner}:${baseRef}`, user: structuredClone(repository.owner), repo: structuredClone(repository) };
  const headRef = options.headRef ?? pr.head.ref;
  const headRepo = options.fork
    ? // A different repository: the author's copy, with its own id and node id, marked as a fork.
      {
        ...JSON.parse(JSON.stringify(repository).replaceAll(`${owner}/${repo}`, `${author}/${repo}`)),
        id: repository.id + 1,
        node_id: `${repository.node_id}fork`,
        fork: true,
        owner: structuredClone(pr.user),
      }
    : structuredClone(repository);
  pr.head = { ...pr.head, ref: headRef, sha: options.headSha, label: `${headRepo.owner.login}:${headRef}`, user: structuredClone(headRepo.owner), repo: headRepo };

  const merged = action === "closed" && options.merged === true;
  pr.state = action === "closed" ? "closed" : "open";
  pr.closed_at = action === "closed" ? (pr.closed_at ?? new Date().toISOString()) : null;
  pr.merged = merged;
  pr.merged_at = merged ? pr.closed_at : null;
  pr.merged_by = merged ? structuredClone(payload.sender) : null;
  pr.merge_commit_sha = options.mergeCommitSha ?? (merged ? pr.merge_commit_sha : null);
  return { name: "pull_request", id: options.deliveryId ?? randomUUID(), payload: validated("pull_request", payload) } as PullRequestEvent;
}

export interface IssueCommentOptions extends Target {
  body: string;
  /** The pull request commented on. */
  number: number;
  login: string;
  commentId?: number;
  /** A comment on an issue (not a pull request): its title and labels. */
  issue?: { title: string; labels: string[] };
}

/** An `issue_comment.created` delivery on a pull request (`issue.pull_request` set), schema-valid. */
export function issueCommentEvent(options: IssueCommentOptions): IssueCommentEvent {
  const { number, owner = DEFAULT_OWNER, repo = DEFAULT_REPO, commentId = 1_000_000 + number } = options;
  const base = example("issue_comment", "created");
  const oldId = String(base.comment.id);
  const moved = retarget(base, owner, repo, base.issue.number as number, number);
  // The comment id is in the comment's URLs too.
  const payload = JSON.parse(JSON.stringify(moved).replaceAll(oldId, String(commentId))) as Json;
  payload.installation = installation(options.installationId ?? DEFAULT_INSTALLATION_ID);
  payload.issue.number = number;
  payload.issue.state = "open";
  // What makes an issue comment a pull request comment; the examples have none.
  payload.issue.pull_request = {
    url: `https://api.github.com/repos/${owner}/${repo}/pulls/${number}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${number}`,
    diff_url: `https://github.com/${owner}/${repo}/pull/${number}.diff`,
    patch_url: `https://github.com/${owner}/${repo}/pull/${number}.patch`,
    merged_at: null,
  };
  if (options.issue) {
    delete payload.issue.pull_request;
    payload.issue.title = options.issue.title;
    payload.issue.labels = options.issue.labels.map((name, i) => ({ id: 9000 + i, node_id: `L${i}`, url: `https://api.github.com/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}`, name, color: "ededed", default: false, description: null }));
  }
  Object.assign(payload.comment, { id: commentId, body: options.body });
  // The repositories of these tests have their definitions and policy on main.
  payload.repository.default_branch = "main";
  payload.comment.user = user(payload.sender, options.login);
  payload.sender = structuredClone(payload.comment.user);
  return { name: "issue_comment", id: options.deliveryId ?? randomUUID(), payload: validated("issue_comment", payload) } as IssueCommentEvent;
}

export interface PushOptions extends Target {
  /** "refs/heads/BRANCH" */
  ref: string;
  defaultBranch?: string;
  /** Paths the pushed commit modified. */
  modified: string[];
}

/** A `push` delivery of one commit, schema-valid. */
export function pushEvent(options: PushOptions): { name: "push"; id: string; payload: Json } {
  const { owner = DEFAULT_OWNER, repo = DEFAULT_REPO } = options;
  const base = example("push", undefined, (e) => e.commits?.length > 0);
  const payload = JSON.parse(JSON.stringify(base).replaceAll("Codertocat/Hello-World", `${owner}/${repo}`)) as Json;
  payload.repository.name = repo;
  payload.repository.owner = user(payload.repository.owner, owner);
  payload.repository.default_branch = options.defaultBranch ?? "main";
  payload.ref = options.ref;
  payload.installation = installation(options.installationId ?? DEFAULT_INSTALLATION_ID);
  payload.commits = payload.commits.slice(0, 1).map((commit: Json) => ({ ...commit, added: [], removed: [], modified: options.modified }));
  payload.head_commit = payload.commits[0];
  return { name: "push", id: options.deliveryId ?? randomUUID(), payload: validated("push", payload) };
}

export interface PullRequestReviewOptions extends Target {
  action: "submitted" | "dismissed";
  number: number;
  headSha: string;
  baseSha: string;
  reviewer: string;
  state: "approved" | "changes_requested" | "commented" | "dismissed";
  author?: string;
}

/** A `pull_request_review` delivery (a review submitted or dismissed), valid against GitHub's webhook schema. */
export function pullRequestReviewEvent(options: PullRequestReviewOptions): PullRequestReviewEvent {
  const { number, owner = DEFAULT_OWNER, repo = DEFAULT_REPO, author = "octocat" } = options;
  const base = example("pull_request_review", options.action);
  const payload = retarget(base, owner, repo, base.pull_request.number as number, number);
  payload.installation = installation(options.installationId ?? DEFAULT_INSTALLATION_ID);
  payload.repository.default_branch = "main";
  const pr = payload.pull_request;
  pr.number = number;
  pr.state = "open";
  pr.user = user(pr.user, author);
  pr.base = { ...pr.base, ref: "main", sha: options.baseSha, repo: structuredClone(payload.repository) };
  pr.head = { ...pr.head, sha: options.headSha, repo: structuredClone(payload.repository) };
  payload.review.user = user(payload.review.user ?? payload.sender, options.reviewer);
  payload.review.state = options.state;
  payload.review.commit_id = options.headSha;
  payload.sender = structuredClone(payload.review.user);
  return { name: "pull_request_review", id: options.deliveryId ?? randomUUID(), payload: validated("pull_request_review", payload) } as PullRequestReviewEvent;
}
