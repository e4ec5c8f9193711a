import { parseDocument } from "yaml";
import type { Actor } from "../authorization/actor.js";
import { actorText } from "../authorization/actor.js";
import { findDefinitionFiles } from "../repository/index.js";
import { isDuration, parseDuration } from "../duration/duration.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import { validateEnvironments } from "../validation/index.js";
import { auditDone, authorizeAndAudit, proposalBranch, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";
import { repoFile } from "./request-environment.js";
import { requestProblems } from "./definition-problems.js";

/** How to extend: a new ttl, a new end, or by how much from the current end. Exactly one. */
export interface Extension {
  ttl?: unknown;
  expiresAt?: unknown;
  by?: unknown;
}


/**
 * Extends an environment the way Git stays the truth: opens a pull request that changes the
 * definition's `ttl` or `expiresAt` on the default branch (its comments and layout kept),
 * validated as any definition is, within the repository's maxTtl.
 */
export async function extendEnvironment(
  deps: EnvironmentActionDeps,
  input: { repository: string; name: string; actor: Actor; extension: Extension },
): Promise<ActionOutcome<{ pullRequest: { number: number; url: string; branch: string }; from: string; to: string }>> {
  const { repository, name, actor, extension } = input;
  const authorized = await authorizeAndAudit(deps, actor, "extend", { repository, name });
  if (authorized.refused) return authorized.refused;
  const { base, files } = authorized.scene;
  const given = (["ttl", "expiresAt", "by"] as const).filter((key) => extension[key] !== undefined);
  if (given.length !== 1) return { ok: false, reason: "invalid", problems: [{ field: "body", message: "give exactly one of ttl (like 96h), expiresAt (a date and time) or by (like 48h)" }] };
  if (extension.by !== undefined && (typeof extension.by !== "string" || !isDuration(extension.by))) {
    return { ok: false, reason: "invalid", problems: [{ field: "body.by", message: "a duration like 30m, 48h or 7d" }] };
  }

  const found = await findDefinitionFiles(files, name);
  if (found.length === 0) return { ok: false, reason: "not-found", detail: `${repository} has no definition of ${name} on ${base}` };
  if (found.length > 1) return { ok: false, reason: "conflict", detail: `${name} is defined twice on ${base} (${found.join(", ")}); keep one first` };
  const file = found[0]!;
  const content = await files.readFile(file, MAX_YAML_FILE_BYTES);
  const document = content && parseDocument(new TextDecoder().decode(content.bytes));
  if (!document || document.errors.length > 0) return { ok: false, reason: "conflict", detail: `${file} on ${base} cannot be read as YAML; fix it first` };

  const before = document.getIn(["spec", "ttl"]) !== undefined ? `ttl ${String(document.getIn(["spec", "ttl"]))}` : document.getIn(["spec", "expiresAt"]) !== undefined ? `expires at ${String(document.getIn(["spec", "expiresAt"]))}` : "no expiry";
  let after: string;
  if (extension.ttl !== undefined) {
    document.setIn(["spec", "ttl"], extension.ttl);
    document.deleteIn(["spec", "expiresAt"]);
    after = `ttl ${String(extension.ttl)}`;
  } else {
    const record = await deps.store.getEnvironment(repository, name);
    const now = deps.now();
    const from = record?.expiresAt && record.expiresAt > now ? record.expiresAt : now;
    const at = extension.by !== undefined ? new Date(from.getTime() + parseDuration(extension.by as string)).toISOString().replace(/\.\d{3}Z$/, "Z") : extension.expiresAt;
    document.setIn(["spec", "expiresAt"], at);
    document.deleteIn(["spec", "ttl"]);
    after = `expires at ${String(at)}`;
  }
  const text = document.toString();
  const report = await validateEnvironments({ repo: files, policy: files, documents: [{ file, content: repoFile(text) }], definitions: files, now: deps.now(), compileSchemas: deps.compileSchemas });
  if (report.diagnostics.length > 0) {
    const problems = requestProblems(report.diagnostics).map((problem) => (extension.by !== undefined && problem.field === "body.expiresAt" ? { ...problem, field: "body.by" } : problem));
    return { ok: false, reason: "invalid", problems };
  }
  const pullRequest = await deps.changes.propose({
    repository,
    base,
    branch: proposalBranch("extend", name, deps.now()),
    files: { [file]: text },
    reason: { kind: "extend", environment: name, requestedBy: actorText(actor), file, from: before, to: after },
  });
  await auditDone(deps, actor, "extend", { repository, name }, `pull-request #${pullRequest.number}`, `${before} -> ${after}`);
  return { ok: true, value: { pullRequest, from: before, to: after } };
}
