import { actorSource, actorText } from "../authorization/actor.js";
import type { Environment } from "../environment/index.js";
import type { RunKind } from "../ports.js";
import type { OperationContext } from "./engine-deps.js";

/** Whom an operation's events are about. */
export function about(context: OperationContext, environment: Environment): { repository: string; environment: string; actor: string } {
  return { repository: context.repository, environment: environment.name, actor: actorText(context.actor) };
}

/** The run record an operation starts (Store.startRun's input). */
export function runStart(context: OperationContext, environment: Environment, kind: RunKind) {
  return { ...about(context, environment), kind, commit: context.commit };
}

/** Who asked for an operation, as the audit trail records it with the run's end (Store.finishRun). */
export function auditOf(context: OperationContext): { actor: string; source: string; detail?: string } {
  return { actor: actorText(context.actor), source: actorSource(context.actor), ...(context.actor.kind === "pull-request" ? { detail: `pull request #${context.actor.number}` } : {}) };
}
