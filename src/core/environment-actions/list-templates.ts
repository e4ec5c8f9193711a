import type { Actor } from "../authorization/actor.js";
import { authorize } from "../authorization/authorize.js";
import { TEMPLATES_DIR, templateFile, type Template } from "../template/index.js";
import { validateTemplateFile } from "../validation/index.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import { refusalText, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";

/** The templates on the default branch that are valid, by name: what a new environment can be requested from. */
export async function listTemplates(deps: EnvironmentActionDeps, input: { repository: string; actor: Actor }): Promise<ActionOutcome<{ defaultBranch: string; templates: Template[] }>> {
  const decision = await authorize(input.actor, "read", { repository: input.repository }, deps.policy);
  if (!decision.allowed) return { ok: false, reason: "not-found", detail: refusalText(input.actor, "read", input.repository, decision) };
  const base = await deps.changes.defaultBranch(input.repository);
  const files = deps.changes.filesAt(input.repository, base);
  const templates: Template[] = [];
  for (const name of [...((await files.listDirectory(TEMPLATES_DIR)) ?? [])].sort()) {
    const content = await files.readFile(templateFile(name), MAX_YAML_FILE_BYTES);
    if (!content) continue;
    const checked = await validateTemplateFile(name, content, deps.compileSchemas);
    if (checked.ok) templates.push(checked.template);
  }
  return { ok: true, value: { defaultBranch: base, templates } };
}
