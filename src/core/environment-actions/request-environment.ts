import { Document } from "yaml";
import type { Actor } from "../authorization/actor.js";
import { actorText } from "../authorization/actor.js";
import { environmentFile, NAME_PATTERN } from "../environment/index.js";
import { findDefinitionFiles } from "../repository/index.js";
import { validateEnvironments } from "../validation/index.js";
import { requestProblems } from "./definition-problems.js";
import { auditDone, authorizeAndAudit, proposalBranch, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";

/** What a request for a new environment may give; the definition's schema and template decide the rest. */
export interface EnvironmentRequest {
  name: unknown;
  template: unknown;
  /** Default: the requester (@login). */
  owner?: unknown;
  description?: unknown;
  labels?: unknown;
  ttl?: unknown;
  expiresAt?: unknown;
  variables?: unknown;
}

export const REQUEST_FIELDS: readonly (keyof EnvironmentRequest)[] = ["name", "template", "owner", "description", "labels", "ttl", "expiresAt", "variables"];

/**
 * Requests a new environment from a template: builds its definition, validates it exactly as a
 * pull request's would be (schema, template variables, limits of .github/envbot.yml) at the
 * default branch, and opens a pull request that adds it. Nothing is applied until it is merged.
 */
export async function requestEnvironment(
  deps: EnvironmentActionDeps,
  input: { repository: string; actor: Extract<Actor, { kind: "api" }>; request: EnvironmentRequest },
): Promise<ActionOutcome<{ pullRequest: { number: number; url: string; branch: string }; file: string; definition: string }>> {
  const { repository, actor, request } = input;
  const name = typeof request.name === "string" && NAME_PATTERN.test(request.name) ? request.name : undefined;
  const owner = typeof request.owner === "string" && request.owner !== "" ? request.owner : `@${actor.login}`;
  const authorized = await authorizeAndAudit(deps, actor, "request", { repository, name, template: typeof request.template === "string" ? request.template : undefined, owner });
  if (authorized.refused) return authorized.refused;
  const { base, files } = authorized.scene;
  if (name !== undefined) {
    const existing = await findDefinitionFiles(files, name);
    if (existing.length > 0) return { ok: false, reason: "conflict", detail: `${repository} already defines an environment ${name} (${existing.join(", ")})` };
  }
  const file = environmentFile(name ?? "new-environment");
  const definition = definitionText(request, actor);
  const report = await validateEnvironments({ repo: files, policy: files, documents: [{ file, content: repoFile(definition) }], definitions: files, now: deps.now(), compileSchemas: deps.compileSchemas });
  if (report.diagnostics.length > 0 || name === undefined) {
    const problems = requestProblems(report.diagnostics);
    return { ok: false, reason: "invalid", problems: problems.length > 0 ? problems : [{ field: "body.name", message: "a name is needed" }] };
  }
  const pullRequest = await deps.changes.propose({
    repository,
    base,
    branch: proposalBranch("request", name, deps.now()),
    files: { [file]: definition },
    reason: { kind: "request", environment: name, template: String(request.template), requestedBy: actorText(actor), file },
  });
  await auditDone(deps, actor, "request", { repository, name }, `pull-request #${pullRequest.number}`, `template ${String(request.template)}`);
  return { ok: true, value: { pullRequest, file, definition } };
}

/** The definition file a request becomes, with who asked for it on top. */
function definitionText(request: EnvironmentRequest, actor: Extract<Actor, { kind: "api" }>): string {
  const given = <T>(value: T) => (value === undefined || value === null || value === "" ? undefined : value);
  const metadata = { name: request.name, owner: given(request.owner) ?? `@${actor.login}`, description: given(request.description), labels: given(request.labels) };
  const spec = { template: request.template, ttl: given(request.ttl), expiresAt: given(request.expiresAt), variables: given(request.variables) ?? {} };
  const document = new Document({ apiVersion: "envbot.dev/v1", kind: "Environment", metadata: withoutUndefined(metadata), spec: withoutUndefined(spec) });
  document.commentBefore = ` Requested by ${actorText(actor)} through envbot.`;
  return document.toString();
}

function withoutUndefined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

export function repoFile(text: string): { size: number; bytes: Uint8Array } {
  const bytes = new TextEncoder().encode(text);
  return { size: bytes.length, bytes };
}
