import type { BusCommand } from "../../generated/schemas.js";
import type { Actor } from "../authorization/actor.js";
import { actorSource, actorText } from "../authorization/actor.js";
import { authorize, type Action } from "../authorization/authorize.js";
import { formatDiagnosticLine } from "../diagnostics/index.js";
import type { BusRequest } from "../events/domain-event.js";
import type { JobQueue } from "../ports/index.js";
import { parseJsonObject } from "../json/parse-json-object.js";
import { builtinCheckers } from "../validation/builtin-checkers.js";
import { refusalText, type ActionOutcome, type EnvironmentActionDeps } from "./environment-action-deps.js";
import { extendEnvironment } from "./extend-environment.js";
import { requestPlan } from "./plan-environment-now.js";
import { proposeDestroy } from "./propose-destroy.js";

/**
 * A command larger than this is refused unread (docs/notifications.md#commands): a command is a
 * few hundred bytes, so this only bounds what a broken or hostile client makes envbot parse.
 */
export const MAX_COMMAND_BYTES = 64 * 1024;
/** Where a command's problems are said to be (`message:1:12: command: ...`). */
const COMMAND_FILE = "message";

/** An answer sent back at once; a queued run is answered by its end instead (see BusRequest). */
export type BusAnswer =
  | { ok: true; status: "pull-request"; pullRequest: { number: number; url: string } }
  | { ok: false; reason: "invalid"; detail: string; problems: string[] }
  | { ok: false; reason: "refused" | "not-found" | "conflict"; detail: string };

export interface BusCommandDeps extends EnvironmentActionDeps {
  queue: Pick<JobQueue, "enqueue">;
  /** The App's installation on the repository (its jobs act through it); undefined when not installed. */
  installationOf(repository: string): Promise<number | undefined>;
  /** GitHub's own spelling of a repository the command wrote in any case; undefined when the App knows none by that name. */
  canonicalRepository(repository: string): Promise<string | undefined>;
}

const ACTION_OF: Record<BusCommand["command"], Action> = { plan: "plan", apply: "apply", destroy: "destroy", extend: "extend" };

/**
 * One command from the message bus (docs/notifications.md#commands): read as exactly one JSON
 * object (at most MAX_COMMAND_BYTES, no key twice; never YAML) and checked against
 * schemas/command.schema.json, authorized as the `amqp` actor of its broker user (user_id) with the
 * rights the server grants that user,
 * then carried out by the same core actions as the API. A plan, an apply or an immediate destroy
 * is queued and answered when its run ends (undefined here); everything else is answered now.
 * A command that is not JSON, breaks the schema or is not allowed is answered with why.
 */
export async function handleBusCommand(deps: BusCommandDeps, input: { body: string; user?: string; reply?: { id: string; replyTo: string } }): Promise<BusAnswer | undefined> {
  const bytes = new TextEncoder().encode(input.body);
  if (bytes.length > MAX_COMMAND_BYTES) return { ok: false, reason: "invalid", detail: `the command is ${bytes.length} bytes; at most ${MAX_COMMAND_BYTES}`, problems: [] };
  const parsed = parseJsonObject(input.body);
  if (!parsed.ok) {
    const problem = formatDiagnosticLine({ file: COMMAND_FILE, ...parsed.position, path: "", message: parsed.message });
    return { ok: false, reason: "invalid", detail: `not an envbot command (a JSON object): ${problem}`, problems: [problem] };
  }
  const checked = builtinCheckers().command.check(parsed.value, { file: COMMAND_FILE, locator: parsed.locator });
  if (!checked.valid) {
    const problems = checked.diagnostics.map(formatDiagnosticLine);
    return { ok: false, reason: "invalid", detail: `not an envbot command: ${problems.join("; ")}`, problems };
  }
  const command = checked.value;
  const { repository: written, environment: name } = command;
  const runs = command.command === "plan" || command.command === "apply" || (command.command === "destroy" && command.immediate === true);
  const request: BusRequest | undefined = runs && input.reply ? { ...input.reply, command: command.command as BusRequest["command"] } : undefined;
  const actor: Extract<Actor, { kind: "amqp" }> = { kind: "amqp", ...(input.user && { user: input.user }), ...(request && { request }) };

  // The server's grant first: a repository it does not grant is not even read.
  const action = command.command === "destroy" && command.immediate ? "destroy-now" : ACTION_OF[command.command];
  const granted = await authorize(actor, action, { repository: written, name }, deps.policy);
  if (!granted.allowed) {
    const detail = refusalText(actor, action, written, granted);
    await deps.store.recordAudit({ actor: actorText(actor), source: actorSource(actor), action, repository: written, environment: name, outcome: "refused", detail });
    return { ok: false, reason: "refused", detail };
  }

  // One identity from here on (records, state, policy): the name as GitHub spells it.
  const repository = await deps.canonicalRepository(written);
  const installation = repository === undefined ? undefined : await deps.installationOf(repository);
  if (repository === undefined || installation === undefined) return { ok: false, reason: "not-found", detail: `the envbot App is not installed on ${written}` };
  switch (command.command) {
    case "plan":
    case "apply":
      return answer(await requestPlan(deps, { repository, name, actor, installation, ...(command.command === "apply" && { apply: true as const }) }), () => undefined);
    case "destroy":
      return answer(await proposeDestroy(deps, { repository, name, actor, ...(command.immediate && { immediate: { installation } }) }), (value) =>
        command.immediate ? undefined : { ok: true, status: "pull-request", pullRequest: { number: value.pullRequest.number, url: value.pullRequest.url } },
      );
    case "extend":
      return answer(await extendEnvironment(deps, { repository, name, actor, extension: { by: command.by } }), (value) => ({
        ok: true,
        status: "pull-request",
        pullRequest: { number: value.pullRequest.number, url: value.pullRequest.url },
      }));
  }
}

function answer<T>(outcome: ActionOutcome<T>, done: (value: T) => BusAnswer | undefined): BusAnswer | undefined {
  if (outcome.ok) return done(outcome.value);
  if (outcome.reason === "invalid") {
    const problems = outcome.problems.map((problem) => `${problem.field}: ${problem.message}`);
    return { ok: false, reason: "invalid", detail: problems.join("; "), problems };
  }
  return { ok: false, reason: outcome.reason, detail: outcome.detail };
}
