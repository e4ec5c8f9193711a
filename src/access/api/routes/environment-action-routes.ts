import type { ServerResponse } from "node:http";
import { extendEnvironment, listTemplates, proposeDestroy, requestEnvironment, requestDriftAnswer, requestPlan, unlockEnvironment, wakeEnvironment, type ActionOutcome, type EnvironmentRequest } from "../../../core/environment-actions/index.js";
import { respondJson } from "../../http/respond-json.js";
import { visibleRepository, type ApiDeps } from "../api-deps.js";
import type { Action } from "../../../core/authorization/authorize.js";
import { ApiProblem, forbidden, notFound } from "../api-problem.js";
import { apiActor, type ApiRequest } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";
import { lockView } from "../api-views.js";
import { environmentOfPath } from "./environment-routes.js";

// Actions go through the same core operations and authorization as comment commands; Git stays
// the truth: extending, destroying and requesting open pull requests.

/** The answer for a core outcome: its value with `status`, or the problem it names. */
function answer<T>(res: ServerResponse, outcome: ActionOutcome<T>, status: number, view: (value: T) => object): void {
  if (outcome.ok) return respondJson(res, status, view(outcome.value));
  switch (outcome.reason) {
    case "refused":
      throw forbidden(outcome.detail);
    case "not-found":
      throw notFound(outcome.detail);
    case "conflict":
      throw new ApiProblem(409, "Conflict", outcome.detail);
    case "invalid":
      throw new ApiProblem(400, "Bad Request", outcome.problems.map((p) => `${p.field}: ${p.message}`).join("; "), outcome.problems);
  }
}

/**
 * The repository a path names, in GitHub's spelling, when the caller may see it: one it cannot
 * see is a 404 like one that does not exist, and its refusal is no entry of that repository's
 * audit trail. Whoever may see it but not act is refused (403) by the core, which audits it.
 */
async function repositoryOfPath(request: ApiRequest, deps: ApiDeps, action: Action): Promise<string> {
  const repository = `${request.params.owner}/${request.params.repo}`;
  return visibleRepository(deps, request.principal, { repository }, action);
}

/** The environment a path names, its repository in GitHub's spelling, as repositoryOfPath. */
async function environmentOfActionPath(request: ApiRequest, deps: ApiDeps, action: Action): Promise<{ repository: string; name: string }> {
  const written = environmentOfPath(request);
  return { name: written.name, repository: await visibleRepository(deps, request.principal, written, action) };
}

async function planNow(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { repository, name } = await environmentOfActionPath(request, deps, "plan");
  const installation = await deps.installationOf(repository);
  if (installation === undefined) throw notFound(`there is no repository ${repository} that you can see`);
  const outcome = await requestPlan({ ...deps, policy: deps.access }, { repository, name, actor: apiActor(request.principal), installation });
  answer(res, outcome, 202, (value) => ({ repository, environment: name, queued: value.queued, defaultBranch: value.defaultBranch }));
}

async function unlock(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { repository, name } = await environmentOfActionPath(request, deps, "unlock");
  const outcome = await unlockEnvironment({ ...deps, policy: deps.access }, { repository, name, actor: apiActor(request.principal) });
  answer(res, outcome, 200, (value) => ({ repository, environment: name, released: value.released ? lockView(value.released) : null }));
}

async function extend(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { repository, name } = await environmentOfActionPath(request, deps, "extend");
  const outcome = await extendEnvironment({ ...deps, policy: deps.access }, { repository, name, actor: apiActor(request.principal), extension: request.body });
  answer(res, outcome, 201, (value) => ({ pullRequest: value.pullRequest, from: value.from, to: value.to }));
}

async function wake(request: ApiRequest<object, { duration?: string }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { repository, name } = await environmentOfActionPath(request, deps, "wake");
  const installation = await deps.installationOf(repository);
  if (installation === undefined) throw notFound(`there is no repository ${repository} that you can see`);
  const outcome = await wakeEnvironment({ ...deps, policy: deps.access }, { repository, name, actor: apiActor(request.principal), installation, duration: request.body.duration });
  // Accepted when a job wakes it; a plain answer when it was awake and is only kept so.
  answer(res, outcome, outcome.ok && outcome.value.waking ? 202 : 200, (value) => ({ repository, environment: name, waking: value.waking, awakeUntil: value.until.toISOString() }));
}

/** Revert (apply the definition on the default branch) or adopt (a pull request with the drifted values): a job does it and says so on the drift issue. */
function answerDrift(drift: "revert" | "adopt") {
  return async (request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> => {
    const { repository, name } = await environmentOfActionPath(request, deps, drift);
    const installation = await deps.installationOf(repository);
    if (installation === undefined) throw notFound(`there is no repository ${repository} that you can see`);
    const outcome = await requestDriftAnswer({ ...deps, policy: deps.access }, { repository, name, actor: apiActor(request.principal), installation, answer: drift });
    answer(res, outcome, 202, (value) => ({ repository, environment: name, queued: value.queued, defaultBranch: value.defaultBranch }));
  };
}

async function destroy(request: ApiRequest<object, { immediate: boolean }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const { immediate } = request.body;
  const { repository, name } = await environmentOfActionPath(request, deps, immediate ? "destroy-now" : "destroy");
  const installation = immediate ? await deps.installationOf(repository) : undefined;
  if (immediate && installation === undefined) throw notFound(`there is no repository ${repository} that you can see`);
  const outcome = await proposeDestroy({ ...deps, policy: deps.access }, { repository, name, actor: apiActor(request.principal), ...(installation !== undefined ? { immediate: { installation } } : {}) });
  answer(res, outcome, 201, (value) => ({ pullRequest: value.pullRequest, files: value.files, destroying: value.destroying }));
}

async function requestNew(request: ApiRequest<object, EnvironmentRequest>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const repository = await repositoryOfPath(request, deps, "request");
  const outcome = await requestEnvironment({ ...deps, policy: deps.access }, { repository, actor: apiActor(request.principal), request: request.body });
  answer(res, outcome, 201, (value) => ({ pullRequest: value.pullRequest, file: value.file, definition: value.definition }));
}

async function templates(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const repository = await repositoryOfPath(request, deps, "read");
  const outcome = await listTemplates({ ...deps, policy: deps.access }, { repository, actor: apiActor(request.principal) });
  answer(res, outcome, 200, (value) => ({
    repository,
    defaultBranch: value.defaultBranch,
    items: value.templates.map((template) => ({ name: template.name, description: template.description, variables: template.variables.schema, secrets: Object.keys(template.secrets) })),
  }));
}

export const environmentActionRoutes: ApiRoute[] = [
  { method: "POST", path: "/api/v1/environments/{owner}/{repo}/{name}/plan", handle: planNow },
  { method: "POST", path: "/api/v1/environments/{owner}/{repo}/{name}/unlock", handle: unlock },
  { method: "POST", path: "/api/v1/environments/{owner}/{repo}/{name}/extend", handle: extend },
  { method: "POST", path: "/api/v1/environments/{owner}/{repo}/{name}/destroy", handle: destroy },
  { method: "POST", path: "/api/v1/environments/{owner}/{repo}/{name}/wake", handle: wake },
  { method: "POST", path: "/api/v1/environments/{owner}/{repo}/{name}/revert", handle: answerDrift("revert") },
  { method: "POST", path: "/api/v1/environments/{owner}/{repo}/{name}/adopt", handle: answerDrift("adopt") },
  { method: "GET", path: "/api/v1/repositories/{owner}/{repo}/templates", handle: templates },
  { method: "POST", path: "/api/v1/repositories/{owner}/{repo}/environments", handle: requestNew },
];
