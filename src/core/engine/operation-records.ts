import { actorSource, actorText } from "../authorization/actor.js";
import { upstreamsOf, type Environment } from "../environment/index.js";
import type { BusRequest } from "../events/domain-event.js";
import type { RunKind } from "../ports/index.js";
import type { OperationContext } from "./engine-deps.js";

/** Whom an operation's events are about. */
export function about(context: OperationContext, environment: Environment): { repository: string; environment: string; actor: string } {
  return { repository: context.repository, environment: environment.name, actor: actorText(context.actor) };
}

/**
 * What a run's events say about it besides whom they are about: the commit it ran (a receiver
 * finds the pull request by it) and the bus command it answers, if any.
 */
export function eventAbout(context: OperationContext, environment: Environment): { repository: string; environment: string; actor: string; commit?: string; request?: BusRequest; upstreams?: string[] } {
  const request = context.actor.kind === "amqp" ? context.actor.request : undefined;
  const upstreams = upstreamsOf(environment);
  return { ...about(context, environment), ...(context.commit && { commit: context.commit }), ...(request && { request }), ...(upstreams.length > 0 && { upstreams }) };
}

/** The run record an operation starts (Store.startRun's input). */
export function runStart(context: OperationContext, environment: Environment, kind: RunKind) {
  return { ...about(context, environment), kind, commit: context.commit };
}

/** Who asked for an operation, as the audit trail records it with the run's end (Store.finishRun). */
export function auditOf(context: OperationContext, runDetail?: string): { actor: string; source: string; detail?: string } {
  const detail = [...(context.actor.kind === "pull-request" ? [`pull request #${context.actor.number}`] : []), ...(runDetail ? [runDetail] : [])].join("; ");
  return { actor: actorText(context.actor), source: actorSource(context.actor), ...(detail && { detail }) };
}
