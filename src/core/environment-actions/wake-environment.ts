import type { Actor } from "../authorization/actor.js";
import { isDuration, parseDuration } from "../duration/duration.js";
import { endOfNextAwakeWindow } from "../hibernation/awake-schedule.js";
import { findDefinitionFiles } from "../repository/index.js";
import { validateEnvironments } from "../validation/index.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";
import { auditDone, authorizeAndAudit, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";


/**
 * Keeps an environment that sleeps outside its awake hours awake until a moment: `duration` from
 * now, or the end of its current or next awake window. Authorized by the policy's `wake` rule and
 * audited; the caller wakes it at once when it sleeps (`asleep`), and the sweep leaves it awake
 * until then. Its schedule is read from the default branch.
 */
export async function wakeEnvironment(
  deps: EnvironmentActionDeps,
  input: { repository: string; name: string; actor: Actor; duration?: string },
): Promise<ActionOutcome<{ until: Date; asleep: boolean; defaultBranch: string }>> {
  const { repository, name, actor, duration } = input;
  if (duration !== undefined && !isDuration(duration)) return { ok: false, reason: "invalid", problems: [{ field: "body.duration", message: "a duration like 30m, 2h or 1d" }] };
  const authorized = await authorizeAndAudit(deps, actor, "wake", { repository, name });
  if (authorized.refused) return authorized.refused;
  const { base, files } = authorized.scene;
  const record = await deps.store.getEnvironment(repository, name);
  if (!record || record.firstAppliedAt === undefined || record.status === "destroyed") return { ok: false, reason: "not-found", detail: `${name} is not applied in ${repository}` };
  const found = await findDefinitionFiles(files, name);
  const documents = [];
  for (const file of found) {
    const content = await files.readFile(file, MAX_YAML_FILE_BYTES);
    if (content) documents.push({ file, content });
  }
  const report = await validateEnvironments({ repo: files, documents, definitions: files, now: deps.now(), compileSchemas: deps.compileSchemas });
  const environment = report.environments.find((e) => e.name === name);
  if (!environment) return { ok: false, reason: "conflict", detail: `the definition of ${name} on ${base} is missing or invalid; fix it first` };
  if (!environment.hibernation) return { ok: false, reason: "conflict", detail: `${name} has no awake hours (spec.hibernation, or the repository's hibernation.default): it never sleeps` };
  const now = deps.now();
  const until = duration !== undefined ? new Date(now.getTime() + parseDuration(duration)) : endOfNextAwakeWindow(environment.hibernation, now);
  if (!until) return { ok: false, reason: "conflict", detail: `${name}'s schedule never sends it to sleep: it is awake` };
  await deps.store.upsertEnvironment({ repository, name, awakeUntil: until });
  const asleep = record.hibernatedAt !== undefined;
  await auditDone(deps, actor, "wake", { repository, name }, asleep ? "woken" : "kept awake", `until ${until.toISOString()}`);
  return { ok: true, value: { until, asleep, defaultBranch: base } };
}
