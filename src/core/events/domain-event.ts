/**
 * What happened to an environment, as the core says it: written to the outbox with the state
 * change it describes (one transaction), then delivered to every subscriber (the server log
 * today; Slack, signed webhooks and AMQP as they come). Never GitHub-shaped: no issue, comment
 * or check run numbers. Texts in an event are already redacted.
 */
export type DomainEvent = EventBase &
  (
    | { type: "planned"; runId: number; changes: ChangeCounts }
    | { type: "plan-failed"; runId: number; reason: string }
    | { type: "applied"; runId: number; changes: ChangeCounts }
    | { type: "destroyed"; runId: number; changes: ChangeCounts }
    | { type: "apply-failed"; runId: number; effect: "apply" | "destroy"; reason: string }
    | { type: "run-interrupted"; runId: number; kind: string; reason: string }
    | { type: "expiry-warned"; expiresAt: string }
    | { type: "drift-found"; fingerprint: string; drifted: number; pendingInGit: number }
    | { type: "expired"; expiresAt: string }
    | { type: "drift-resolved" }
    /**
     * The orphan sweep found resources tagged for the environment in no state, or a different set
     * than before: `count` of them, the first ARNs (sorted) in `arns`.
     */
    | { type: "orphans-found"; region: string; count: number; arns: string[] }
    /** What the orphan sweep reported for the environment is gone. */
    | { type: "orphans-resolved" }
    /** The repository's policy keeps a change back: at the pull request's check, or its merge was not applied. */
    | { type: "policy-blocked"; stage: "pull-request" | "merge"; reasons: string[] }
  );

export type DomainEventType = DomainEvent["type"];

interface EventBase {
  /** Stable across redeliveries: subscribers use it to drop duplicates. */
  id: string;
  /** ISO-8601. */
  at: string;
  repository: string;
  environment: string;
  /** Who caused it, as run records name actors ("octocat", "cli:alice", "reconciler"). */
  actor?: string;
  /** The commit a run's event is about (a pull request's head, a merge): receivers find the pull request by it. */
  commit?: string;
  /**
   * The command from the message bus this event answers (a run's end): the outcome goes back
   * to `replyTo` with `id` as the correlation id.
   */
  request?: BusRequest;
}

export interface ChangeCounts {
  add: number;
  change: number;
  destroy: number;
}

type EventBody = DomainEvent extends infer E ? (E extends DomainEvent ? Omit<E, "id" | "at"> : never) : never;

/** An event with a fresh id, at `at`. */
export function domainEvent(body: EventBody, at: Date): DomainEvent {
  return { id: globalThis.crypto.randomUUID(), at: at.toISOString(), ...body } as DomainEvent;
}

/** A plan's counts as events carry them. */
export function changeCounts(summary: { changes: { add: number; change: number; destroy: number } }): ChangeCounts {
  return { add: summary.changes.add, change: summary.changes.change, destroy: summary.changes.destroy };
}

/** An event kept in the outbox, with its delivery bookkeeping. */
export interface OutboxEntry {
  /** Order of writing: delivered in this order. */
  seq: number;
  event: DomainEvent;
  attempts: number;
  lastError?: string;
}

/**
 * A command from the message bus waiting for its run's end: a plan is answered by its plan's
 * end, an apply or a destroy by the apply's (or by the plan's when that fails).
 */
export interface BusRequest {
  id: string;
  replyTo: string;
  command: "plan" | "apply" | "destroy";
}
